import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { connectPostgres, type DbHandle } from '../../db/client.ts';
import { openPglite } from '../../db/pglite.ts';

/** The test database: a PGlite clone of the migrated template, or the shared PostgreSQL. */
export async function openTestDatabase(): Promise<DbHandle> {
  const url = inject('databaseUrl');
  if (url) return connectPostgres(url, { max: 4 });
  const template = readFileSync(inject('pgliteTemplate'));
  return openPglite({ loadDataDir: new Blob([template]) });
}

export const onPostgres = () => Boolean(inject('databaseUrl'));

/**
 * A database of the test file's own, for tests that act on every row (the
 * deadline sweep): a PGlite clone, or on PostgreSQL a fresh database beside the
 * shared one, migrated and seeded, dropped afterwards.
 */
export async function openIsolatedDatabase(): Promise<DbHandle> {
  const url = inject('databaseUrl');
  if (!url) return openTestDatabase();
  const { connectPostgres } = await import('../../db/client.ts');
  const { migrate } = await import('../../db/migrate.ts');
  const { seedReference } = await import('../../db/seed/index.ts');
  const name = `hotline_iso_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = connectPostgres(url, { max: 1 });
  await admin.db.execute(sql.raw(`CREATE DATABASE ${name}`));
  const target = new URL(url);
  target.pathname = `/${name}`;
  const handle = connectPostgres(target.toString(), { max: 4 });
  await migrate(handle);
  await seedReference(handle.db);
  return {
    ...handle,
    async close() {
      await handle.close();
      await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      await admin.close();
    },
  };
}
