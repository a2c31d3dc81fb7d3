import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { FREE_ATTEMPTS } from '../../api/domain/staff/session.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { SessionInfo } from '../../api/routes/staff/schemas.ts';
import { staffSessions, staffUsers } from '../../db/schema.ts';
import { DEMO_STAFF, seedDemoStaff } from '../../db/seed/demo.ts';
import { fixedClock, useTestApp } from '../helpers/app.ts';
import { json } from '../helpers/factories.ts';
import { call, makeStaff, PASSWORD, signIn } from '../helpers/staff.ts';

const clock = fixedClock('2026-06-01T08:00:00+08:00');
const t = useTestApp({ clock });

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

  it('refuses a wrong password and an unknown account alike', async () => {
    const user = await makeStaff(t.db, 'handler', 'enf1');
    const wrong = await signIn(t.app, user.email, 'not the password');
    const unknown = await signIn(t.app, 'nobody@office.test');
    expect(wrong.response.status).toBe(401);
    expect(unknown.response.status).toBe(401);
    const [a, b] = [await wrong.response.json(), await unknown.response.json()];
    expect((a as ErrorEnvelope).error.message).toBe((b as ErrorEnvelope).error.message);
    expect(wrong.response.headers.get('set-cookie')).toBeNull();
  });

  it('locks an account after repeated failures, for a growing time', async () => {
    const user = await makeStaff(t.db, 'supervisor');
    for (let i = 0; i < FREE_ATTEMPTS; i++) expect((await signIn(t.app, user.email, 'guess')).response.status).toBe(401);
    const locked = await signIn(t.app, user.email); // the right password, but locked
    expect(locked.response.status).toBe(401);
    expect(ErrorEnvelope.parse(await locked.response.json()).error.message).toMatch(/分钟后再试/);
    clock.advance(61_000);
    expect((await signIn(t.app, user.email, 'guess')).response.status).toBe(401); // 6th failure: 2 minutes
    const [row] = await t.db.select().from(staffUsers).where(eq(staffUsers.id, user.id));
    expect(row!.lockedUntil!.getTime() - clock.now().getTime()).toBe(2 * 60_000);
    clock.advance(2 * 60_000 + 1000);
    const ok = await signIn(t.app, user.email);
    expect(ok.response.status).toBe(200);
    const [after] = await t.db.select().from(staffUsers).where(eq(staffUsers.id, user.id));
    expect(after!.failedSignIns).toBe(0);
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
