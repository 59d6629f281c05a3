/**
 * Hot read queries (the portal's, under public load) built once with Kysely and run, on
 * PostgreSQL, as named prepared statements.
 *
 * Why: measured on the 2-core machine (bench/README.md), building a query with Kysely costs
 * ~0.12 ms of Node per call and planning it ~40 % of PostgreSQL's time for a short indexed
 * read; both are paid once per connection here. The query stays an ordinary typed Kysely query.
 *
 * `build` receives placeholders and must put each where one value goes (a scalar or one array
 * parameter, e.g. `= any(${codes})`); literal values in the query stay fixed. The engine's pool
 * (engine.ts) runs the SQL texts registered here by name; PGlite runs them as usual.
 */
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

const names = new Map<string, string>();
const texts = new Map<string, string>();

/** The statement name for this SQL text, if it is a registered hot query. */
export function preparedName(sqlText: string): string | undefined {
  return names.get(sqlText);
}

const SENTINEL = '\u0000xinyong-placeholder:';

export function prepared<DB, A extends unknown[], R>(name: string, build: (db: Kysely<DB>, ...placeholders: A) => Compilable<R>): (db: Kysely<DB>, ...args: A) => Promise<R[]> {
  const compiled = new WeakMap<object, { sql: string; parameters: readonly unknown[]; slots: number[] }>();
  return async (db, ...args) => {
    let c = compiled.get(db);
    if (!c) {
      const placeholders = args.map((_, i) => `${SENTINEL}${i}`) as unknown as A;
      const q = build(db, ...placeholders).compile();
      const slots = q.parameters.map((p) => placeholders.indexOf(p as never));
      if (new Set(slots.filter((s) => s >= 0)).size !== args.length) throw new Error(`prepared query ${name}: each placeholder must be used as one parameter`);
      const known = names.get(q.sql);
      if (known && known !== name) throw new Error(`prepared query ${name}: the same SQL is already prepared as ${known}`);
      const text = texts.get(name);
      if (text !== undefined && text !== q.sql) throw new Error(`prepared query ${name}: the name is already used for another SQL text`);
      names.set(q.sql, name);
      texts.set(name, q.sql);
      c = { sql: q.sql, parameters: q.parameters, slots };
      compiled.set(db, c);
    }
    const { slots, parameters } = c;
    const values = parameters.map((p, i) => (slots[i] as number) >= 0 ? args[slots[i] as number] : p);
    const result = await db.executeQuery<R>(CompiledQuery.raw(c.sql, values));
    return result.rows;
  };
}
