import { connectPostgres } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { seedReference } from '../../db/seed/index.ts';

/**
 * Migrates and seeds the worker tests' database. A separate Node process
 * (started by global-setup.ts) because the worker project resolves modules for
 * workerd, where `postgres` is the cloudflare:sockets build that Node cannot load.
 * Usage: node --import tsx tests/worker/prepare-db.ts <url>
 */
const url = process.argv[2];
if (!url) throw new Error('usage: prepare-db.ts <postgres url>');
const handle = connectPostgres(url, { max: 1 });
try {
  await migrate(handle);
  await seedReference(handle.db);
} finally {
  await handle.close();
}
