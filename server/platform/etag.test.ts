/**
 * If-None-Match as RFC 9110 §13.1.2 defines it: `*`, or a list of entity tags compared weakly.
 * Every route answering with an ETag evaluates it through these (server/platform/etag.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notModified, parseIfNoneMatch, weakTag } from './etag.js';

describe('If-None-Match (RFC 9110)', () => {
  const tag = 'W/"abc"';

  it('matches its own tag, weakly: with or without W/ on either side', () => {
    assert.equal(notModified('W/"abc"', tag), true);
    assert.equal(notModified('"abc"', tag), true);
    assert.equal(notModified('W/"abc"', '"abc"'), true);
    assert.equal(notModified('"abc"', '"abc"'), true);
  });

  it('matches any tag of a list, with or without spaces, and a repeated header', () => {
    assert.equal(notModified('"x", W/"abc"', tag), true);
    assert.equal(notModified('"x",W/"abc","y"', tag), true);
    assert.equal(notModified('"x" ,\t"abc"', tag), true);
    assert.equal(notModified(['"x"', 'W/"abc"'], tag), true);
    assert.equal(notModified('"x", , "abc"', tag), true, 'empty list elements are ignored');
  });

  it('matches * for a resource that has a representation', () => {
    assert.equal(notModified('*', tag), true);
    assert.equal(notModified(' * ', tag), true);
  });

  it('compares opaque tags exactly: case, a comma inside a tag, a prefix are no match', () => {
    assert.equal(notModified('"ABC"', tag), false);
    assert.equal(notModified('"ab"', tag), false);
    assert.equal(notModified('"abc,d"', 'W/"abc"'), false);
    assert.equal(notModified('"abc,d"', '"abc,d"'), true, 'a comma is a valid etag character');
    assert.equal(notModified('"a", "abc,d"', '"abc,d"'), true);
  });

  it('matches nothing for an absent or invalid field value', () => {
    assert.equal(notModified(undefined, tag), false);
    assert.equal(notModified('', tag), false);
    assert.equal(notModified('abc', tag), false, 'an unquoted tag is not an entity tag');
    assert.equal(notModified('w/"abc"', tag), false, 'W/ is case-sensitive');
    assert.equal(notModified('"abc', tag), false);
    assert.equal(notModified('"abc" "x"', tag), false, 'tags are separated by commas');
    assert.equal(notModified('*, "abc"', tag), false, '* stands alone');
    assert.equal(notModified('"a"b"', tag), false);
  });

  it('parses the list it is given', () => {
    assert.deepEqual(parseIfNoneMatch('W/"a", "b",W/""'), ['a', 'b', '']);
    assert.equal(parseIfNoneMatch('*'), '*');
    assert.equal(parseIfNoneMatch('"a" junk'), undefined);
  });

  it('gives a body a weak tag that changes with the body', () => {
    assert.match(weakTag('{}'), /^W\/"[A-Za-z0-9_-]{27}"$/);
    assert.equal(weakTag('{"a":1}'), weakTag('{"a":1}'));
    assert.notEqual(weakTag('{"a":1}'), weakTag('{"a":2}'));
  });
});
