import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.ts';

export { schema };

/** The drizzle handle the domain works with, whichever engine sits behind it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle has the same query surface as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface DbHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export interface PostgresOptions {
  /** Pool size; Workers take one connection per request through Hyperdrive. */
  max?: number;
  /** Hyperdrive caches prepared statements itself; plain servers benefit from them. */
  prepare?: boolean;
  /** Workers: skip the type-fetch round trip on every new connection. */
  fetchTypes?: boolean;
}

/** A postgres.js client wrapped in drizzle. Runs on Node and in workerd. */
export function connectPostgres(url: string, options: PostgresOptions = {}): DbHandle {
  const client = postgres(url, {
    max: options.max ?? 10,
    prepare: options.prepare ?? true,
    fetch_types: options.fetchTypes ?? true,
    onnotice: () => {},
  });
  // drizzle's postgres-js driver asks for unprepared statements unless a query is
  // built with .prepare(name): each then costs two round trips and a fresh plan.
  // Where the pool keeps its connections (Node), every statement is prepared.
  const driver = (options.prepare ?? true) ? preparing(client) : client;
  const db = drizzlePostgres({ client: driver, schema, casing: 'snake_case' }) as unknown as Db;
  return { db, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
}

/**
 * The client with every query run as a prepared statement, transactions and
 * savepoints included. postgres.js keeps one per distinct SQL text and
 * connection until the connection is recycled, so queries keep their text
 * stable (values go in parameters).
 */
function preparing(sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, {
    get(target, key, receiver) {
      if (key === 'unsafe') {
        return (query: string, args?: unknown[], opts?: Record<string, unknown>) => target.unsafe(query, args as never, { ...opts, prepare: true });
      }
      if (key === 'begin' || key === 'savepoint') {
        return (...a: unknown[]) => {
          const fn = a.pop() as (tx: postgres.Sql) => unknown;
          return (target as unknown as Record<string, (...x: unknown[]) => unknown>)[key]!(...a, (tx: postgres.Sql) => fn(preparing(tx)));
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
}
