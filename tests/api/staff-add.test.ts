import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { SessionInfo } from '../../api/contract/wire/staff.ts';
import { createLogger } from '../../api/logger.ts';
import type { DbHandle } from '../../db/client.ts';
import { connectPostgres } from '../../db/client.ts';
import { openPglite } from '../../db/pglite.ts';
import { departments, staffUsers } from '../../db/schema.ts';
import { testConfig } from '../helpers/app.ts';
import { runScript } from '../helpers/child.ts';
import { onPostgres } from '../helpers/db.ts';
import { ownPostgresDatabase } from '../helpers/server-process.ts';
import { signIn } from '../helpers/staff.ts';

/*
 * `npm run staff:add` as an office runs it on day one: a child process on the
 * database the environment names (an embedded one in a fresh DATA_DIR, or the
 * PostgreSQL server under test), then a sign-in through the API with the account.
 */

const SCRIPT = 'db/staff-add.ts';
const PASSWORD = 'first admin of the office';
const dir = mkdtempSync(join(tmpdir(), 'hotline-staff-add-'));
/** Where the child writes: an empty PostgreSQL database, or an embedded one in a directory, of this file's own (the child migrates it). */
let target: Record<string, string> = {};
let dropDatabase: (() => Promise<void>) | undefined;
const email = () => `admin-${randomUUID()}@office.test`;

beforeAll(async () => {
  if (onPostgres()) {
    const own = await ownPostgresDatabase(inject('databaseUrl'), 'staffadd');
    target = { DATABASE_URL: own.url };
    dropDatabase = own.drop;
  } else target = { DATA_DIR: join(dir, 'data') };
});
afterAll(async () => {
  await dropDatabase?.();
  rmSync(dir, { recursive: true, force: true });
});

/** The database the child wrote to, opened only after it exited (an embedded one takes one process at a time). */
async function withDatabase<T>(fn: (handle: DbHandle) => Promise<T>): Promise<T> {
  const handle = onPostgres() ? connectPostgres(target.DATABASE_URL!, { max: 2 }) : await openPglite({ dataDir: target.DATA_DIR! });
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

describe('npm run staff:add', () => {
  it('creates an admin from STAFF_PASSWORD who then signs in through the API', { timeout: 300_000 }, async () => {
    const admin = email();
    const run = await runScript(SCRIPT, ['--email', admin.toUpperCase(), '--name', '赵管理', '--role', 'admin'], { ...target, STAFF_PASSWORD: PASSWORD });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Created admin');
    expect(run.stdout).not.toContain(PASSWORD);

    await withDatabase(async (handle) => {
      const [row] = await handle.db.select().from(staffUsers).where(eq(staffUsers.email, admin));
      expect(row).toMatchObject({ email: admin, name: '赵管理', role: 'admin', active: true, departmentId: null });
      expect(row!.passwordHash).toMatch(/^\$scrypt\$ln=13,r=8,p=10\$/);
      // The reference data came with it: a fresh database is ready for the office to edit.
      const [{ n } = { n: 0 }] = await handle.db.select({ n: sql<number>`count(*)::int` }).from(departments);
      expect(n).toBeGreaterThan(0);
      // No demo accounts on a database started this way.
      const demo = await handle.db.select().from(staffUsers).where(sql`${staffUsers.email} like '%@demo.test'`);
      expect(demo).toEqual([]);

      const app = createApp({ config: testConfig(), logger: createLogger('silent'), database: () => handle.db, clientIp: () => '203.0.113.9' });
      const wrong = await signIn(app, admin, 'not the password at all');
      expect(wrong.response.status).toBe(401);
      const session = await signIn(app, admin, PASSWORD);
      expect(session.response.status).toBe(200);
      const info = SessionInfo.parse(await session.response.json());
      expect(info.staff).toMatchObject({ email: admin, role: 'admin' });
    });
  });

  it('refuses an email that exists (in any case), changing nothing', { timeout: 300_000 }, async () => {
    const admin = email();
    const first = await runScript(SCRIPT, ['--email', admin, '--name', '赵管理', '--role', 'admin'], { ...target, STAFF_PASSWORD: PASSWORD });
    expect(first.code).toBe(0);
    const before = await withDatabase((h) => h.db.select({ hash: staffUsers.passwordHash, name: staffUsers.name }).from(staffUsers).where(eq(staffUsers.email, admin)));
    const run = await runScript(SCRIPT, ['--email', admin.replace('admin', 'ADMIN'), '--name', 'Someone else', '--role', 'admin'], { ...target, STAFF_PASSWORD: 'another long password' });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('exists already');
    const after = await withDatabase((h) => h.db.select({ hash: staffUsers.passwordHash, name: staffUsers.name }).from(staffUsers).where(eq(staffUsers.email, admin)));
    expect(after).toEqual(before);
  });

  it('adds a handler to a department, and refuses an unknown department', { timeout: 300_000 }, async () => {
    const handler = email();
    const unknown = await runScript(SCRIPT, ['--email', handler, '--name', '李承办', '--role', 'handler', '--department', 'nope'], { ...target, STAFF_PASSWORD: PASSWORD });
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('No active department "nope"');
    const noDept = await runScript(SCRIPT, ['--email', handler, '--name', '李承办', '--role', 'handler'], { ...target, STAFF_PASSWORD: PASSWORD });
    expect(noDept.code).toBe(2);
    expect(noDept.stderr).toContain('--department');
    const ok = await runScript(SCRIPT, ['--email', handler, '--name', '李承办', '--role', 'handler', '--department', 'enf1'], { ...target, STAFF_PASSWORD: PASSWORD });
    expect(ok.code).toBe(0);
    const rows = await withDatabase((h) => h.db.select({ role: staffUsers.role }).from(staffUsers).where(eq(staffUsers.email, handler)));
    expect(rows).toEqual([{ role: 'handler' }]);
  });

  it('refuses bad arguments, a short password, and a missing password without a terminal', { timeout: 300_000 }, async () => {
    const args = ['--email', email(), '--name', 'X', '--role', 'admin'];
    const short = await runScript(SCRIPT, args, { ...target, STAFF_PASSWORD: 'elevenchars' });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 12 characters');
    const noTty = await runScript(SCRIPT, args, { ...target });
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toContain('STAFF_PASSWORD');
    const badRole = await runScript(SCRIPT, ['--email', email(), '--name', 'X', '--role', 'king'], { ...target, STAFF_PASSWORD: PASSWORD });
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('--role');
    const badEmail = await runScript(SCRIPT, ['--email', 'not-an-email', '--name', 'X', '--role', 'admin'], { ...target, STAFF_PASSWORD: PASSWORD });
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr).toContain('--email');
    const stray = await runScript(SCRIPT, [...args, '--password', 'on the command line'], { ...target, STAFF_PASSWORD: PASSWORD });
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain("Unknown option '--password'");
  });

  it.skipIf(!process.platform.startsWith('linux'))('asks on the terminal twice without echoing, and the account signs in', { timeout: 300_000 }, async () => {
    const who = email();
    const secret = 'typed at the terminal!';
    // util-linux `script` gives the child a real pseudo-terminal; the replies are typed only once each prompt shows.
    const run = await runScript(SCRIPT, ['--email', who, '--name', 'Typed', '--role', 'admin'], target, {
      wrap: (argv) => ['script', '-qe', '--echo', 'never', '-c', argv.map((a) => `'${a}'`).join(' '), '/dev/null'],
      answers: [
        [/Password: /, `${secret}\r`],
        [/Password again: /, `${secret}\r`],
      ],
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Created admin ${who}`);
    expect(run.stdout).not.toContain(secret);
    await withDatabase(async (handle) => {
      const app = createApp({ config: testConfig(), logger: createLogger('silent'), database: () => handle.db, clientIp: () => '203.0.113.10' });
      expect((await signIn(app, who, secret)).response.status).toBe(200);
    });
  });
});
