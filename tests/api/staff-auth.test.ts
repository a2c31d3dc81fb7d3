import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { DELAY_STEP_MS, FAILURE_MEMORY_HOURS, FREE_ATTEMPTS, MAX_DELAY_MS, SLOW_AFTER } from '../../api/domain/staff/sign-in-failures.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { createLogger } from '../../api/logger.ts';
import { hashPassword } from '../../api/password.ts';
import { SessionInfo } from '../../api/routes/staff/schemas.ts';
import { signInFailures, staffSessions, staffUsers } from '../../db/schema.ts';
import { DEMO_STAFF, seedDemoStaff } from '../../db/seed/demo.ts';
import { fixedClock, useTestApp } from '../helpers/app.ts';
import { json } from '../helpers/factories.ts';
import { call, makeStaff, PASSWORD, signIn } from '../helpers/staff.ts';

const clock = fixedClock('2026-06-01T08:00:00+08:00');
const t = useTestApp({ clock });

/*
 * The sign-in tests run on an app whose pause before a slowed sign-in only
 * records how long it would have waited, and whose client address is the
 * x-test-client header.
 */
const pauses: number[] = [];
let app: ReturnType<typeof createApp>;
beforeAll(() => {
  app = createApp({
    config: t.config,
    database: () => t.db,
    clock,
    logger: createLogger('silent'),
    clientIp: (c) => c.req.header('x-test-client'),
    signInPause: async (ms) => {
      pauses.push(ms);
    },
  });
});
beforeEach(() => {
  pauses.length = 0;
});

/** One sign-in attempt from a client address. */
function attempt(email: string, password: string, client: string) {
  return app.request('/api/staff/session', json({ email, password }, { 'x-test-client': client }));
}

let addressSeq = 0;
/** A client address of this test's own. */
function address() {
  addressSeq++;
  return `198.51.${100 + (process.pid % 100)}.${addressSeq}`;
}

/** All a caller sees of a refusal but the request id: status, code, message, details and the headers that could differ. */
async function answer(res: Response) {
  const { error } = ErrorEnvelope.parse(await res.json());
  return { status: res.status, code: error.code, message: error.message, details: error.details, cookie: res.headers.get('set-cookie'), retryAfter: res.headers.get('retry-after') };
}

async function pairRow(email: string, client: string) {
  const [row] = await t.db
    .select()
    .from(signInFailures)
    .where(and(eq(signInFailures.account, email.toLowerCase()), eq(signInFailures.client, client)));
  return row;
}

async function code(res: Response) {
  return ErrorEnvelope.parse(await res.json()).error.code;
}

describe('staff sign-in', () => {
  it('sets a HttpOnly, Secure, SameSite session cookie and answers who is signed in', async () => {
    const user = await makeStaff(t.db, 'dispatcher');
    const session = await signIn(t.app, user.email.toUpperCase());
    expect(session.response.status).toBe(200);
    const cookie = session.response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^hotline_session=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const info = SessionInfo.parse(await session.response.json());
    expect(info.staff).toMatchObject({ id: user.id, role: 'dispatcher' });
    expect(JSON.stringify(info)).not.toContain('passwordHash');

    const me = await call(t.app, session, 'GET', '/api/staff/me');
    expect(me.status).toBe(200);
    expect(SessionInfo.parse(await me.json()).staff.email).toBe(user.email);
    // Only a hash of the token is stored.
    const rows = await t.db.select().from(staffSessions).where(eq(staffSessions.userId, user.id));
    expect(rows[0]!.tokenHash).not.toBe(session.cookie.split('=')[1]);
  });

  it('answers an unknown email, a wrong password, an inactive account and a locked-out client alike', async () => {
    const user = await makeStaff(t.db, 'handler', 'enf1');
    const inactive = await makeStaff(t.db, 'dispatcher');
    await t.db.update(staffUsers).set({ active: false }).where(eq(staffUsers.id, inactive.id));
    const locked = await makeStaff(t.db, 'supervisor');
    const here = address();
    for (let i = 0; i < FREE_ATTEMPTS; i++) expect((await attempt(locked.email, 'guess', here)).status).toBe(401);
    expect((await pairRow(locked.email, here))!.lockedUntil).not.toBeNull();

    const answers = {
      wrong: await answer(await attempt(user.email, 'not the password', here)),
      unknown: await answer(await attempt(`nobody-${randomUUID()}@office.test`, PASSWORD, here)),
      inactive: await answer(await attempt(inactive.email, PASSWORD, here)),
      locked: await answer(await attempt(locked.email, PASSWORD, here)), // the right password, from the locked-out client
    };
    const expected = { status: 401, code: 'unauthorized', message: '邮箱或密码不正确，或失败次数过多，请稍后再试', details: undefined, cookie: null, retryAfter: null };
    expect(answers).toEqual({ wrong: expected, unknown: expected, inactive: expected, locked: expected });
    // The locked-out client was refused before its password was looked at: the lock is what refused it.
    expect((await attempt(locked.email, PASSWORD, address())).status).toBe(200);
  });

  it('locks a client out of an account after repeated failures, for a growing time', async () => {
    const user = await makeStaff(t.db, 'supervisor');
    const stranger = address();
    for (let i = 0; i < FREE_ATTEMPTS - 1; i++) expect((await attempt(user.email, 'guess', stranger)).status).toBe(401);
    expect((await pairRow(user.email, stranger))!.lockedUntil).toBeNull();
    expect((await attempt(user.email, 'guess', stranger)).status).toBe(401); // the 5th failure locks for a minute
    expect((await pairRow(user.email, stranger))!.lockedUntil!.getTime() - clock.now().getTime()).toBe(60_000);
    expect((await attempt(user.email, PASSWORD, stranger)).status).toBe(401); // even the right password, while locked
    expect((await pairRow(user.email, stranger))!.failures).toBe(FREE_ATTEMPTS); // refused attempts are not counted

    clock.advance(61_000);
    expect((await attempt(user.email, 'guess', stranger)).status).toBe(401); // 6th failure: 2 minutes
    expect((await pairRow(user.email, stranger))!.lockedUntil!.getTime() - clock.now().getTime()).toBe(2 * 60_000);
    clock.advance(2 * 60_000 + 1000);
    expect((await attempt(user.email, 'guess', stranger)).status).toBe(401); // 7th: 4 minutes
    expect((await pairRow(user.email, stranger))!.lockedUntil!.getTime() - clock.now().getTime()).toBe(4 * 60_000);
    clock.advance(4 * 60_000 + 1000);
    expect((await attempt(user.email, PASSWORD, stranger)).status).toBe(200);
    expect(await pairRow(user.email, stranger)).toBeUndefined(); // a success clears the client's record
  });

  it('a stranger hammering an account from one address does not keep the member of staff out from theirs', async () => {
    const user = await makeStaff(t.db, 'dispatcher');
    const stranger = address();
    const desk = address();
    for (let i = 0; i < FREE_ATTEMPTS + 10; i++) expect((await attempt(user.email, `guess ${i}`, stranger)).status).toBe(401);
    expect((await attempt(user.email, PASSWORD, stranger)).status).toBe(401); // locked out

    pauses.length = 0;
    const own = await attempt(user.email, PASSWORD, desk);
    expect(own.status).toBe(200);
    expect(SessionInfo.parse(await own.json()).staff.id).toBe(user.id);
    // Slowed by the account's failures, not refused.
    expect(pauses).toEqual([DELAY_STEP_MS]);
    // And the stranger is still locked out.
    expect((await attempt(user.email, PASSWORD, stranger)).status).toBe(401);
  });

  it('failures on an account from anywhere slow its sign-ins, a step at a time, to a few seconds at most — known or not', async () => {
    const user = await makeStaff(t.db, 'handler', 'enf1');
    const unknown = `nobody-${randomUUID()}@office.test`;
    const steps = SLOW_AFTER + 3;
    const delays: Record<string, number[]> = {};
    for (const email of [user.email, unknown]) {
      pauses.length = 0;
      // A new address for each guess: no pair ever locks, only the account-wide count grows.
      for (let i = 0; i < steps; i++) expect((await attempt(email, 'guess', address())).status).toBe(401);
      delays[email] = pauses.filter(Boolean);
    }
    // 0 for the first SLOW_AFTER failures (no pause taken), then one step more per failure.
    const expected = Array.from({ length: steps - SLOW_AFTER }, (_, i) => DELAY_STEP_MS * (i + 1));
    expect(delays[user.email]).toEqual(expected);
    expect(delays[unknown]).toEqual(expected); // the pause does not tell which emails are staff

    // Bounded: a thousand failures from elsewhere cost the right password a few seconds, no more.
    await t.db.insert(signInFailures).values({ account: user.email.toLowerCase(), client: address(), failures: 1000, updatedAt: clock.now() });
    pauses.length = 0;
    expect((await attempt(user.email, PASSWORD, address())).status).toBe(200);
    expect(pauses).toEqual([MAX_DELAY_MS]);
    expect(MAX_DELAY_MS).toBeLessThanOrEqual(5000);
  });

  it('forgets failures after a day, and prunes them', async () => {
    const user = await makeStaff(t.db, 'dispatcher');
    const here = address();
    for (let i = 0; i < FREE_ATTEMPTS - 1; i++) expect((await attempt(user.email, 'guess', here)).status).toBe(401);
    const staleAccount = `stale-${randomUUID()}@office.test`;
    await t.db.insert(signInFailures).values({ account: staleAccount, client: here, failures: 3, updatedAt: clock.now() });

    clock.advance(FAILURE_MEMORY_HOURS * 3600_000 + 1000);
    // Four more failures after a day: counted from one again, so no lock.
    for (let i = 0; i < FREE_ATTEMPTS - 1; i++) expect((await attempt(user.email, 'guess', here)).status).toBe(401);
    expect(await pairRow(user.email, here)).toMatchObject({ failures: FREE_ATTEMPTS - 1, lockedUntil: null });
    expect(pauses).toEqual([]);
    // A successful sign-in anywhere clears out rows past the memory.
    expect((await attempt(user.email, PASSWORD, address())).status).toBe(200);
    expect(await pairRow(staleAccount, here)).toBeUndefined();
  });

  it('replaces a hash made with the old parameters at the next successful sign-in', async () => {
    const user = await makeStaff(t.db, 'dispatcher');
    const old = await hashPassword(PASSWORD, { ln: 17, r: 8, p: 1 });
    await t.db.update(staffUsers).set({ passwordHash: old }).where(eq(staffUsers.id, user.id));
    expect((await attempt(user.email, 'not it', address())).status).toBe(401);
    expect((await t.db.select().from(staffUsers).where(eq(staffUsers.id, user.id)))[0]!.passwordHash).toBe(old); // not on a failure

    expect((await attempt(user.email, PASSWORD, address())).status).toBe(200);
    const [row] = await t.db.select().from(staffUsers).where(eq(staffUsers.id, user.id));
    expect(row!.passwordHash).toMatch(/^\$scrypt\$ln=13,r=8,p=10\$/);
    expect((await attempt(user.email, PASSWORD, address())).status).toBe(200);
    expect((await attempt(user.email, 'not it', address())).status).toBe(401);
  });

  it('refuses malformed sign-in bodies', async () => {
    expect((await t.app.request('/api/staff/session', json({ email: 'x' }))).status).toBe(400);
    expect((await t.app.request('/api/staff/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' })).status).toBe(400);
  });
});

describe('sessions', () => {
  it('no session, a forged cookie, a signed-out session: 401', async () => {
    expect(await code(await t.app.request('/api/staff/me'))).toBe('unauthorized');
    expect(await code(await t.app.request('/api/staff/me', { headers: { cookie: 'hotline_session=forged-token-value' } }))).toBe('unauthorized');
    const user = await makeStaff(t.db, 'dispatcher');
    const session = await signIn(t.app, user.email);
    const out = await call(t.app, session, 'DELETE', '/api/staff/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/hotline_session=;/);
    expect(await code(await call(t.app, session, 'GET', '/api/staff/me'))).toBe('unauthorized');
  });

  it('expires after its lifetime and after idling', async () => {
    const user = await makeStaff(t.db, 'dispatcher');
    const session = await signIn(t.app, user.email);
    clock.advance(119 * 60_000);
    expect((await call(t.app, session, 'GET', '/api/staff/me')).status).toBe(200);
    clock.advance(121 * 60_000);
    expect(await code(await call(t.app, session, 'GET', '/api/staff/me'))).toBe('unauthorized');

    const busy = await signIn(t.app, user.email);
    for (let h = 0; h < 12; h++) {
      clock.advance(60 * 60_000);
      const res = await call(t.app, busy, 'GET', '/api/staff/me');
      expect(res.status).toBe(h < 11 ? 200 : 401);
    }
  });

  it('a deactivated account loses its session at once', async () => {
    const user = await makeStaff(t.db, 'dispatcher');
    const session = await signIn(t.app, user.email);
    await t.db.update(staffUsers).set({ active: false }).where(eq(staffUsers.id, user.id));
    expect(await code(await call(t.app, session, 'GET', '/api/staff/me'))).toBe('unauthorized');
  });
});

describe('CSRF', () => {
  it('refuses a cookie-authenticated write without the token, or with a wrong one', async () => {
    const user = await makeStaff(t.db, 'dispatcher');
    const session = await signIn(t.app, user.email);
    const noToken = await t.app.request('/api/staff/session', { method: 'DELETE', headers: { cookie: session.cookie } });
    expect(noToken.status).toBe(403);
    expect(await code(noToken)).toBe('forbidden');
    const wrongToken = await t.app.request('/api/staff/session', { method: 'DELETE', headers: { cookie: session.cookie, 'x-csrf-token': 'x'.repeat(43) } });
    expect(wrongToken.status).toBe(403);
    // Still signed in: nothing happened.
    expect((await call(t.app, session, 'GET', '/api/staff/me')).status).toBe(200);
  });

  it('takes the token from a form field for plain HTML forms', async () => {
    const user = await makeStaff(t.db, 'dispatcher');
    const session = await signIn(t.app, user.email);
    const res = await t.app.request('/api/staff/session', {
      method: 'DELETE',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrf }).toString(),
    });
    expect(res.status).toBe(204);
  });
});

describe('demo accounts', () => {
  it('are seeded on request with the demo password, once', async () => {
    const existing = await t.db.select().from(staffUsers).where(eq(staffUsers.email, 'dispatcher@demo.test'));
    const added = await seedDemoStaff(t.db, 'station-demo');
    expect(added).toBe(existing.length ? 0 : DEMO_STAFF.length);
    expect(await seedDemoStaff(t.db, 'station-demo')).toBe(0);
    const session = await signIn(t.app, 'handler@demo.test', 'station-demo');
    expect(session.response.status).toBe(200);
    expect(SessionInfo.parse(await session.response.json()).staff.role).toBe('handler');
    expect(PASSWORD).not.toBe('station-demo');
  });
});
