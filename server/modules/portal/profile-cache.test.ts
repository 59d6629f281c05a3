import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProfileCache, changedSubjects, type ProfileBasis } from './profile-cache.js';

describe('profiles kept as sent', () => {
  const item = { code: 'CF' };
  const org = { id: 'a' };
  const basis = (o: Partial<ProfileBasis> = {}): ProfileBasis => ({ subject: org, today: '2026-11-22', items: [item], ...o });
  const listening = () => {
    const c = new ProfileCache<{ json: string }>(2);
    c.recordEvent('listening');
    return c;
  };

  it('keeps nothing until record changes are heard', () => {
    const c = new ProfileCache<{ json: string }>(2);
    c.put('a', basis(), c.ticket(), { json: '{}' });
    assert.equal(c.get('a', basis()), undefined);
  });

  it('sends what it kept while the organization, the day and the items are the same ones', () => {
    const c = listening();
    c.put('a', basis(), c.ticket(), { json: '{"a":1}' });
    assert.deepEqual(c.get('a', basis()), { json: '{"a":1}' });
    assert.equal(c.get('a', basis({ today: '2026-11-23' })), undefined, 'another day: windows may have ended');
    c.put('a', basis(), c.ticket(), { json: '{"a":1}' });
    assert.equal(c.get('a', basis({ subject: { ...org } })), undefined, 'the organization changed (a new directory entry)');
    c.put('a', basis(), c.ticket(), { json: '{"a":1}' });
    assert.equal(c.get('a', basis({ items: [{ ...item }] })), undefined, 'a new version of a catalog item');
  });

  it('drops everything on a record change, and keeps nothing built across one', () => {
    const c = listening();
    c.put('a', basis(), c.ticket(), { json: '{"a":1}' });
    const ticket = c.ticket(); // a profile of b is being built …
    c.recordEvent('notify'); // … while records change
    assert.equal(c.get('a', basis()), undefined);
    c.put('b', basis(), ticket, { json: '{"b":1}' });
    assert.equal(c.get('b', basis()), undefined, 'built from what may be before the change');
    assert.equal(c.size, 0);
  });

  it('drops only the subjects a change names, and keeps nothing of theirs built across it', () => {
    const c = listening();
    c.put('a', basis(), c.ticket(), { json: 'A' });
    c.put('b', basis(), c.ticket(), { json: 'B' });
    const ticket = c.ticket(); // profiles of a and c are being built …
    c.recordEvent('notify', 'a,x'); // … while a's records change
    assert.equal(c.get('a', basis()), undefined, 'a changed');
    assert.deepEqual(c.get('b', basis()), { json: 'B' }, 'b did not');
    c.put('a', basis(), ticket, { json: 'A0' });
    assert.equal(c.get('a', basis()), undefined, "a's build began before its change");
    c.put('c', basis(), ticket, { json: 'C' });
    assert.deepEqual(c.get('c', basis()), { json: 'C' }, 'c did not change meanwhile');
    c.put('a', basis(), c.ticket(), { json: 'A1' });
    assert.deepEqual(c.get('a', basis()), { json: 'A1' }, 'built after the change');
    c.recordEvent('notify', ''); // anything may have changed
    assert.equal(c.size, 0);
  });

  it('reads a payload as subject ids, or as everything when it names none', () => {
    assert.equal(changedSubjects(''), 'all');
    assert.equal(changedSubjects(undefined), 'all');
    assert.equal(changedSubjects(' , '), 'all');
    assert.deepEqual(changedSubjects('a, b,c'), ['a', 'b', 'c']);
  });

  it('neither keeps nor sends while the channel is lost, and starts afresh when it is back', () => {
    const c = listening();
    c.put('a', basis(), c.ticket(), { json: '{"a":1}' });
    c.recordEvent('lost');
    assert.equal(c.get('a', basis()), undefined);
    c.put('a', basis(), c.ticket(), { json: '{"a":2}' });
    assert.equal(c.get('a', basis()), undefined);
    c.recordEvent('notify'); // this process's own commit, heard on a pooled connection: others' are still not
    c.put('a', basis(), c.ticket(), { json: '{"a":2}' });
    assert.equal(c.get('a', basis()), undefined);
    c.recordEvent('listening');
    assert.equal(c.get('a', basis()), undefined, 'changes while lost are unknown');
    c.put('a', basis(), c.ticket(), { json: '{"a":3}' });
    assert.deepEqual(c.get('a', basis()), { json: '{"a":3}' });
  });

  it('keeps at most its capacity, dropping the least recently sent', () => {
    const c = listening();
    c.put('a', basis(), c.ticket(), { json: 'A' });
    c.put('b', basis(), c.ticket(), { json: 'B' });
    assert.deepEqual(c.get('a', basis()), { json: 'A' }); // a is now the most recent
    c.put('c', basis(), c.ticket(), { json: 'C' });
    assert.equal(c.size, 2);
    assert.equal(c.get('b', basis()), undefined);
    assert.deepEqual(c.get('a', basis()), { json: 'A' });
    assert.deepEqual(c.get('c', basis()), { json: 'C' });
    const none = new ProfileCache<{ json: string }>(0);
    none.recordEvent('listening');
    none.put('a', basis(), none.ticket(), { json: 'A' });
    assert.equal(none.size, 0);
  });

  it('keeps from the second time when told to: a subject asked for once takes no place', () => {
    const c = new ProfileCache<{ json: string }>(2, 'second');
    c.recordEvent('listening');
    c.put('a', basis(), c.ticket(), { json: 'A' });
    assert.equal(c.get('a', basis()), undefined, 'asked for once: not kept');
    c.put('a', basis(), c.ticket(), { json: 'A' });
    assert.deepEqual(c.get('a', basis()), { json: 'A' }, 'asked for again: kept');
    c.put('a', basis(), c.ticket(), { json: 'A2' });
    assert.deepEqual(c.get('a', basis()), { json: 'A2' }, 'a kept one is replaced at once');
    // What it remembers of once-asked subjects is bounded by the capacity: beyond, it starts over.
    for (const id of ['b', 'c', 'd']) c.put(id, basis(), c.ticket(), { json: id });
    c.put('b', basis(), c.ticket(), { json: 'B' });
    assert.equal(c.get('b', basis()), undefined, 'b was forgotten when c and d filled the memory');
    c.put('d', basis(), c.ticket(), { json: 'D' });
    assert.deepEqual(c.get('d', basis()), { json: 'D' });
    assert.equal(c.size, 2);
  });
});
