import { type Placeholder, type Query, type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from './client.ts';

const dialect = new PgDialect({ casing: 'snake_case' });

/**
 * A hand-written SQL statement turned into text once, then run with only its
 * values bound — for the hottest write paths, where building and walking a
 * drizzle `sql` template on every call costs more than the rest of the
 * request's own work. The text never changes, so the Node pool keeps it
 * prepared (db/client.ts); values travel as parameters, never in the text.
 *
 *   const insertThing = compiledStatement(['id', 'name'], (p) => sql`INSERT … VALUES (${p.id}, ${p.name})`);
 *   await insertThing(ctx.db, { id, name });
 *
 * Works on the database and inside a transaction, on PostgreSQL and PGlite
 * alike (it goes through drizzle's session, as `db.execute` does).
 */
export function compiledStatement<K extends string>(
  names: readonly K[],
  build: (p: Record<K, Placeholder<K>>) => SQL,
): (db: Db, values: Record<K, unknown>) => Promise<unknown> {
  let query: Query | undefined;
  return (db, values) => {
    query ??= dialect.sqlToQuery(build(Object.fromEntries(names.map((n) => [n, sql.placeholder(n)])) as Record<K, Placeholder<K>>));
    return db._.session.prepareQuery(query, undefined, undefined, false).execute(values);
  };
}

interface Preparable<T> {
  _prepare(name?: string): { execute(values?: Record<string, unknown>): Promise<T> };
}

/**
 * A drizzle query built and compiled once per database handle and then run
 * with only its placeholders bound: for hot reads such as the status lookup.
 * `build` returns the query with `sql.placeholder(name)` where values go.
 *
 * It keeps what drizzle makes on every `await query` (its unnamed prepared
 * form, so the driver's own prepare setting still decides, as for any other
 * query) instead of rebuilding the query tree and its SQL text per call. On
 * Node the handle is the process's pool, so the build happens once; a
 * Worker's per-request handle builds it per request, as before.
 */
export function preparedQuery<T>(build: (db: Db) => PromiseLike<T>): (db: Db, values: Record<string, unknown>) => Promise<T> {
  const compiled = new WeakMap<Db, ReturnType<Preparable<T>['_prepare']>>();
  return (db, values) => {
    let query = compiled.get(db);
    if (!query) {
      query = (build(db) as unknown as Preparable<T>)._prepare();
      compiled.set(db, query);
    }
    return query.execute(values);
  };
}
