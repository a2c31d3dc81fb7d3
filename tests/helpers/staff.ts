import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { SESSION_HOURS } from '../../api/domain/staff/session.ts';
import { hashToken, randomToken } from '../../api/domain/staff/tokens.ts';
import { SESSION_COOKIE } from '../../api/http/staff-auth.ts';
import { hashPassword } from '../../api/password.ts';
import { CreatedCase } from '../../api/routes/public/schemas.ts';
import type { Db } from '../../db/client.ts';
import { cases, departments, type STAFF_ROLES, staffSessions, staffUsers } from '../../db/schema.ts';
import { json, makeCaseBody } from './factories.ts';

export const PASSWORD = 'correct horse battery';
let hashed: Promise<string> | undefined;

export interface StaffSession {
  id: string;
  email: string;
  cookie: string;
  csrf: string;
}

type Fetcher = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

/** A member of staff with a unique email (one password hash per test file). */
export async function makeStaff(db: Db, role: (typeof STAFF_ROLES)[number], department?: string) {
  hashed ??= hashPassword(PASSWORD);
  const departmentId = department ? (await db.select({ id: departments.id }).from(departments).where(eq(departments.code, department)))[0]!.id : null;
  const email = `${role}-${randomUUID()}@office.test`;
  const [row] = await db
    .insert(staffUsers)
    .values({ email, name: `${role} ${department ?? ''}`.trim(), role, departmentId, passwordHash: await hashed })
    .returning();
  return row!;
}

export async function signIn(app: Fetcher, email: string, password = PASSWORD): Promise<StaffSession & { response: Response }> {
  const response = await app.request('/api/staff/session', json({ email, password }));
  const setCookie = response.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  const body = response.status === 200 ? ((await response.clone().json()) as { csrfToken: string; staff: { id: string } }) : undefined;
  return { id: body?.staff.id ?? '', email, cookie, csrf: body?.csrfToken ?? '', response };
}

/**
 * A signed-in member of staff. The session row is written directly (at the app
 * clock's time) so that tests do not pay a scrypt verification per actor; the
 * sign-in path itself is tested through signIn() in staff-auth.test.ts.
 */
export async function staffSession(_app: Fetcher, db: Db, role: (typeof STAFF_ROLES)[number], department?: string, now: Date = new Date()): Promise<StaffSession> {
  const user = await makeStaff(db, role, department);
  const token = randomToken();
  const csrf = randomToken();
  await db.insert(staffSessions).values({
    tokenHash: await hashToken(token),
    userId: user.id,
    csrfToken: csrf,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + SESSION_HOURS * 3600_000),
  });
  return { id: user.id, email: user.email, cookie: `${SESSION_COOKIE}=${token}`, csrf };
}

/** A staff call with the session cookie and CSRF token. */
export function call(app: Fetcher, session: StaffSession, method: string, path: string, body?: unknown) {
  return app.request(path, {
    method,
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Files a public case and returns its id, code and version. */
export async function fileCase(app: Fetcher, db: Db, overrides = {}) {
  const body = makeCaseBody(overrides);
  const res = await app.request('/api/cases', json(body));
  const created = CreatedCase.parse(await res.json());
  const [row] = await db.select({ id: cases.id, version: cases.version }).from(cases).where(eq(cases.trackingCode, created.trackingCode));
  return { id: row!.id, version: row!.version, trackingCode: created.trackingCode, body };
}
