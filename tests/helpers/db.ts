import { readFileSync } from 'node:fs';
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
