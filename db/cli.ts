import { loadConfig } from '../api/config.ts';
import { openDatabase } from './setup.ts';

/**
 * `npm run db:migrate`: applies migrations and seeds reference data on the
 * database the environment names (run it against production before
 * `wrangler deploy`; the Worker itself never migrates).
 */
const config = loadConfig(process.env);
const handle = await openDatabase(config);
console.log(`Migrated and seeded ${handle.kind === 'pglite' ? `the embedded database in ${config.dataDir}/` : 'PostgreSQL'}${handle.seed.demoStaff ? ' (with demo staff)' : ''}`);
if (handle.seed.provisionalYears.length) {
  console.log(`Calendar years still on plain weekends (no holiday notice yet): ${handle.seed.provisionalYears.join(', ')}`);
}
await handle.close();
