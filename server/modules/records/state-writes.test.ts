/**
 * Nothing but the lifecycle writes a record's state, its disputed mark or its event history
 * (issue #13 §1): lifecycle.ts fires transitions, and records.repo.ts holds the one upsert that
 * writes the state the machine routed a new version to (and the bulk COPY of demo data). Any other
 * server file that updates or inserts those columns, or touches record_event, fails this test. The
 * scanner is shown to find planted writes in every form the code could use.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(import.meta.dirname, '../../..');
/** The only files allowed to write them. */
const ALLOWED = new Set(['server/modules/records/lifecycle.ts', 'server/modules/records/records.repo.ts']);

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const WRITES: { what: string; pattern: RegExp }[] = [
  // SQL: update record … set … state|disputed =
  { what: 'UPDATE record SET state/disputed', pattern: /\bupdate\s+record\b(?:\s+\w+)?\s+set\b[^;`]*?\b(?:state|disputed)\s*=/i },
  // SQL: insert into record (… state|disputed …)
  { what: 'INSERT INTO record (state/disputed)', pattern: /\binsert\s+into\s+record\s*\([^)]*\b(?:state|disputed)\b/i },
  // SQL on the event table
  { what: 'write to record_event', pattern: /\b(?:insert\s+into|update|delete\s+from|truncate)\s+(?:table\s+)?record_event\b/i },
  // Kysely: updateTable('record') … .set({ state | disputed … })
  { what: "updateTable('record').set({ state/disputed })", pattern: /updateTable\(\s*['"`]record['"`]\s*\)[\s\S]{0,400}?\.set\(\s*\{[^}]*\b(?:state|disputed)\s*:/ },
  // Kysely: insertInto('record') … .values({ state | disputed … })
  { what: "insertInto('record').values({ state/disputed })", pattern: /insertInto\(\s*['"`]record['"`]\s*\)[\s\S]{0,400}?\.values\([\s\S]{0,400}?\b(?:state|disputed)\s*:/ },
  // Kysely on the event table
  { what: "insertInto/updateTable/deleteFrom('record_event')", pattern: /(?:insertInto|updateTable|deleteFrom)\(\s*['"`]record_event['"`]/ },
  // COPY into record with a state column
  { what: "copy('record', [… 'state' …])", pattern: /\(\s*['"`]record['"`]\s*,\s*\[[^\]]*['"`](?:state|disputed)['"`]/ },
];

/** Where a source writes what only the lifecycle may write. */
export function stateWrites(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\'"`])\/\/.*$/gm, '$1');
  return WRITES.filter((w) => w.pattern.test(code)).map((w) => w.what);
}

describe('only the lifecycle writes record state', () => {
  it('finds planted writes in every form, and not reads', () => {
    const planted = [
      "await sql`update record set state = 'withdrawn' where id = ${id}`.execute(db);",
      "await sql`UPDATE record r SET data = x, disputed = true WHERE r.id = ${id}`.execute(db);",
      "await sql`insert into record (item_code, state) values ('CF', 'in_publicity')`.execute(db);",
      "await sql`insert into record_event (record_id, event) values (${id}, 'x')`.execute(db);",
      "await sql`delete from record_event where record_id = ${id}`.execute(db);",
      "await db.updateTable('record').set({ state: 'repaired' }).where('id', '=', id).execute();",
      "await db.updateTable('record')\n  .where('id', '=', id)\n  .set({ data: next, disputed: false }).execute();",
      "await db.insertInto('record').values({ item_code: 'CF', state: 'in_publicity' }).execute();",
      "await db.insertInto('record_event').values(rows).execute();",
      "await copy('record', ['item_code', 'state'], csv);",
    ];
    for (const p of planted) assert.ok(stateWrites(p).length > 0, `not found: ${p}`);
    const reads = [
      "await db.selectFrom('record').select(['state', 'disputed']).where('state', '=', 'in_publicity').execute();",
      "await sql`select state from record where id = ${id}`.execute(db);",
      "await db.updateTable('record').set({ data: '{}' }).execute();",
      "await sql`update record set data = t.data::jsonb from t where r.id = t.id`.execute(db);",
      "await db.selectFrom('record_event').selectAll().execute();",
      "// update record set state = 'x' (a comment)",
    ];
    for (const r of reads) assert.deepEqual(stateWrites(r), [], r);
  });

  it('no server file but the lifecycle and the records repository writes them', () => {
    const files = walk(path.join(root, 'server')).map((f) => path.relative(root, f).split(path.sep).join('/'));
    assert.ok(files.includes('server/modules/records/lifecycle.ts'), 'the scan sees the server');
    const offending = files.filter((f) => !ALLOWED.has(f)).flatMap((f) => stateWrites(fs.readFileSync(path.join(root, f), 'utf8')).map((w) => `${f}: ${w}`));
    assert.deepEqual(offending, [], 'fire a transition (server/modules/records/lifecycle.ts) instead');
    // The allowed files do write them (the scanner would see it): lifecycle's update and event
    // insert name their table by the adapter, records.repo.ts its upsert.
    assert.ok(stateWrites(fs.readFileSync(path.join(root, 'server/modules/records/records.repo.ts'), 'utf8')).length > 0);
  });
});
