import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { createLogger } from '../../api/logger.ts';
import { connectPostgres } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { seedReference } from '../../db/seed/index.ts';
import { testConfig } from '../helpers/app.ts';
import { json, makeCaseBody } from '../helpers/factories.ts';
import { freePort, startServerProcess } from '../helpers/server-process.ts';

/*
 * The backup and restore recipe of the README ("Backups"), run as written:
 * pg_dump in custom format from a live database, pg_restore into a fresh one,
 * the Node server started on the restored database finds a case filed before
 * the dump. It needs PostgreSQL (DATABASE_URL) and the client tools; without
 * them it skips, saying why.
 */

const url = inject('databaseUrl');
const tools = ['pg_dump', 'pg_restore'].filter((t) => spawnSync(t, ['--version']).status !== 0);
const skipReason = !url ? 'needs PostgreSQL: run with DATABASE_URL' : tools.length ? `${tools.join(' and ')} not installed (apt-get install -y postgresql-client)` : undefined;
if (skipReason) console.warn(`backup-restore: skipped — ${skipReason}`);

const dir = mkdtempSync(join(tmpdir(), 'hotline-backup-'));
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const names = { source: `hotline_bk_src_${suffix}`, restored: `hotline_bk_dst_${suffix}` };
const urlOf = (name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};
let server: ReturnType<typeof startServerProcess> | undefined;

afterAll(async () => {
  server?.kill();
  if (!skipReason) {
    const admin = connectPostgres(url, { max: 1 });
    for (const name of Object.values(names)) await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    await admin.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

/** A command of the recipe; its output is kept for the assertion message. */
function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  expect(r.status, `${cmd} ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}

describe.skipIf(Boolean(skipReason))('backup and restore with pg_dump and pg_restore', () => {
  it('restores into a fresh database on which the service starts and finds a case', { timeout: 300_000 }, async () => {
    // A live office database with a case in it.
    const admin = connectPostgres(url, { max: 1 });
    await admin.db.execute(sql.raw(`CREATE DATABASE ${names.source}`));
    const source = connectPostgres(urlOf(names.source), { max: 2 });
    await migrate(source);
    await seedReference(source.db);
    const app = createApp({ config: testConfig(), logger: createLogger('silent'), database: () => source.db, clientIp: () => '203.0.113.20' });
    const body = makeCaseBody();
    const filed = await app.request('/api/cases', json(body));
    expect(filed.status).toBe(201);
    const { trackingCode } = (await filed.json()) as { trackingCode: string };
    await source.close();

    // The recipe: dump (custom format), create an empty database, restore into it.
    const dump = join(dir, 'hotline.dump');
    run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${dump}`, `--dbname=${urlOf(names.source)}`]);
    expect(statSync(dump).size).toBeGreaterThan(10_000);
    await admin.db.execute(sql.raw(`CREATE DATABASE ${names.restored}`));
    await admin.close();
    run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${urlOf(names.restored)}`, dump]);

    // The service starts on the restored database (its start migrates: nothing left to do) and finds the case.
    const port = await freePort();
    server = startServerProcess({ DATABASE_URL: urlOf(names.restored), PORT: String(port), SEED_DEMO: '0' });
    await server.waitFor(/Station Hotline is running on PostgreSQL/);
    const found = await fetch(`http://127.0.0.1:${port}/api/cases/${trackingCode}?phone4=${body.phone.slice(-4)}`);
    expect(found.status).toBe(200);
    const publicCase = (await found.json()) as { trackingCode: string; status: string; description?: string };
    expect(publicCase.trackingCode).toBe(trackingCode);
    expect(publicCase.status).toBe('new');
    // And the restored database takes new work: a second case files.
    const again = await fetch(`http://127.0.0.1:${port}/api/cases`, json(makeCaseBody()));
    expect(again.status).toBe(201);
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });
});
