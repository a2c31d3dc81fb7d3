import type { Config } from '../api/config.ts';
import { connectPostgres, type DbHandle } from './client.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { seedDemoStaff } from './seed/demo.ts';
import { type SeedReport, seedReference } from './seed/index.ts';

/**
 * Opens the database the config names (PostgreSQL when DATABASE_URL is set, the
 * embedded PGlite in DATA_DIR otherwise), applies migrations and seeds the
 * reference data. Node only.
 */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'seedDemo' | 'demoPassword'>): Promise<DbHandle & { seed: SeedReport & { demoStaff: boolean } }> {
  const handle = config.databaseUrl ? connectPostgres(config.databaseUrl) : await openPglite({ dataDir: config.dataDir });
  await migrate(handle);
  const seed = await seedReference(handle.db);
  if (config.seedDemo) await seedDemoStaff(handle.db, config.demoPassword);
  return { ...handle, seed: { ...seed, demoStaff: config.seedDemo } };
}
