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
