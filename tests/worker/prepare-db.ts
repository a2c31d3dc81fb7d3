import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../api/password.ts';
import { connectPostgres } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { staffUsers } from '../../db/schema.ts';
import { seedReference } from '../../db/seed/index.ts';

/**
 * Migrates and seeds the worker tests' database, and adds a dispatcher of this
 * run's own (printed as JSON on stdout: email and password). A separate Node
 * process (started by global-setup.ts) because the worker project resolves
 * modules for workerd, where `postgres` is the cloudflare:sockets build that
 * Node cannot load.
 * Usage: node --import tsx tests/worker/prepare-db.ts <url>
 */
const url = process.argv[2];
if (!url) throw new Error('usage: prepare-db.ts <postgres url>');
const handle = connectPostgres(url, { max: 1 });
try {
  await migrate(handle);
  await seedReference(handle.db);
  const staff = { email: `worker-dispatcher-${randomUUID()}@office.test`, password: randomUUID() };
  await handle.db.insert(staffUsers).values({ email: staff.email, name: 'Worker test dispatcher', role: 'dispatcher', passwordHash: await hashPassword(staff.password) });
  process.stdout.write(`${JSON.stringify({ staff })}\n`);
} finally {
  await handle.close();
}
