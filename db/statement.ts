import { type Placeholder, type Query, type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from './client.ts';

/*
 * The hottest paths (intake's case writer, the status lookup) skip drizzle's
 * per-call query building. That takes two of drizzle's internals, used here
 * and nowhere else:
 *
 *   - `db._.session.prepareQuery(query, fields, name, arrayMode)`: runs SQL
 *     text drizzle has already compiled, with placeholder values bound
 *     (what `db.execute` does after building its text every time);
 *   - a select builder's `_prepare()`: its compiled form, which `await query`
 *     makes and throws away on every call.
 *
 * `compiledPathProblems(db)` checks both on a live handle; the test
 * tests/api/compiled-statements.test.ts runs it on PGlite and PostgreSQL, so a
 * drizzle or postgres.js upgrade that moves them fails there, not in production.
 */

const dialect = new PgDialect({ casing: 'snake_case' });

interface Prepared<T> {
  execute(values?: Record<string, unknown>): Promise<T>;
}
interface Session {
  prepareQuery(query: Query, fields: undefined, name: undefined, isResponseInArrayMode: boolean): Prepared<unknown>;
}
interface Preparable<T> {
  _prepare(name?: string): Prepared<T>;
}

function sessionOf(db: Db): Session {
  const session = (db as unknown as { _?: { session?: Partial<Session> } })._?.session;
  if (typeof session?.prepareQuery !== 'function') throw new Error('drizzle changed: db._.session.prepareQuery is gone (db/statement.ts)');
  return session as Session;
}

/** Rows as objects keyed by column name, whichever driver answered (postgres.js: an array; PGlite: `{ rows }`); for `db.execute` too. */
export function rowsOf<R>(result: unknown): R[] {
  if (Array.isArray(result)) return result as R[];
  const rows = (result as { rows?: unknown } | null)?.rows;
  if (Array.isArray(rows)) return rows as R[];
  throw new Error('drizzle changed: a compiled statement answered neither rows nor { rows } (db/statement.ts)');
}

export interface CompiledStatement<K extends string, R> {
  (db: Db, values: Record<K, unknown>): Promise<R[]>;
  /** How often the SQL text was built: 1 once used, whatever the number of calls. */
  readonly builds: number;
  /** The SQL text (after the first call): values travel only as parameters. */
  readonly text: string | undefined;
}

/**
 * A hand-written SQL statement turned into text once, then run with only its
 * values bound — for the hottest write paths, where building and walking a
 * drizzle `sql` template on every call costs more than the rest of the
 * request's own work. The text never changes, so the Node pool keeps it
 * prepared (db/client.ts). Resolves to the statement's rows as objects.
 *
 *   const insertThing = compiledStatement(['id', 'name'], (p) => sql`INSERT … VALUES (${p.id}, ${p.name}) RETURNING id`);
 *   const [row] = await insertThing(ctx.db, { id, name });
 *
 * Works on the database and inside a transaction, on PostgreSQL and PGlite.
 */
export function compiledStatement<K extends string, R = Record<string, unknown>>(names: readonly K[], build: (p: Record<K, Placeholder<K>>) => SQL): CompiledStatement<K, R> {
  let query: Query | undefined;
  let builds = 0;
  const run = async (db: Db, values: Record<K, unknown>) => {
    if (!query) {
      query = dialect.sqlToQuery(build(Object.fromEntries(names.map((n) => [n, sql.placeholder(n)])) as Record<K, Placeholder<K>>));
      builds++;
    }
    return rowsOf<R>(await sessionOf(db).prepareQuery(query, undefined, undefined, false).execute(values));
  };
  return Object.defineProperties(run, {
    builds: { get: () => builds },
    text: { get: () => query?.sql },
  }) as CompiledStatement<K, R>;
}

export interface PreparedQuery<T> {
  (db: Db, values: Record<string, unknown>): Promise<T>;
  /** How many database handles it was compiled for (Node: 1, its pool; a Worker: one per request). */
  readonly builds: number;
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
export function preparedQuery<T>(build: (db: Db) => PromiseLike<T>): PreparedQuery<T> {
  const compiled = new WeakMap<Db, Prepared<T>>();
  let builds = 0;
  const run = (db: Db, values: Record<string, unknown>) => {
    let query = compiled.get(db);
    if (!query) {
      const builder = build(db) as unknown as Partial<Preparable<T>>;
      if (typeof builder._prepare !== 'function') throw new Error('drizzle changed: a select builder has no _prepare() (db/statement.ts)');
      query = builder._prepare();
      compiled.set(db, query);
      builds++;
    }
    return query.execute(values);
  };
  return Object.defineProperty(run, 'builds', { get: () => builds }) as PreparedQuery<T>;
}

/**
 * What is wrong with the internals the compiled paths rely on, on this handle
 * (empty when nothing): each is looked up and run once with a known answer.
 */
export async function compiledPathProblems(db: Db): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>, expected: unknown) => {
    try {
      const got = await fn();
      if (JSON.stringify(got) !== JSON.stringify(expected)) problems.push(`${what}: answered ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
    } catch (err) {
      problems.push(`${what}: ${(err as Error).message}`);
    }
  };
  const session = (db as unknown as { _?: { session?: { prepareQuery?: unknown } } })._?.session;
  if (typeof session?.prepareQuery !== 'function') problems.push('db._.session.prepareQuery is not a function');
  else if (session.prepareQuery.length < 4) problems.push(`db._.session.prepareQuery takes ${session.prepareQuery.length} arguments, expected (query, fields, name, arrayMode, …)`);
  const echo = compiledStatement(['a', 'b'], (p) => sql`SELECT ${p.a}::int AS a, ${p.b}::text AS b`);
  await attempt('compiledStatement', () => echo(db, { a: 7, b: 'x' }), [{ a: 7, b: 'x' }]);
  const select = preparedQuery((d: Db) => d.select({ a: sql<number>`${sql.placeholder('a')}::int` }).from(sql`(SELECT 1) AS one`));
  await attempt('preparedQuery', () => select(db, { a: 7 }), [{ a: 7 }]);
  return problems;
}
