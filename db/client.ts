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
  const db = drizzlePostgres({ client, schema, casing: 'snake_case' }) as unknown as Db;
  return { db, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
}
