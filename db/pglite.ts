import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { Db, DbHandle } from './client.ts';
import * as schema from './schema.ts';

/**
 * The embedded database (Node only: PGlite is WebAssembly Postgres in-process).
 * Kept apart from client.ts so the Worker bundle never pulls it in.
 */
export async function openPglite(options: { dataDir?: string; loadDataDir?: Blob | File } = {}): Promise<DbHandle & { pglite: PGlite }> {
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const db = drizzlePglite({ client: pglite, schema, casing: 'snake_case' }) as unknown as Db;
  return { db, kind: 'pglite', pglite, close: () => pglite.close() };
}
