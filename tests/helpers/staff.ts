import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { hashPassword } from '../../api/domain/staff/password.ts';
import type { Db } from '../../db/client.ts';
import { cases, departments, staffUsers, type STAFF_ROLES } from '../../db/schema.ts';
import { CreatedCase } from '../../api/routes/public/schemas.ts';
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
  const [row] = await db.insert(staffUsers).values({ email, name: `${role} ${department ?? ''}`.trim(), role, departmentId, passwordHash: await hashed }).returning();
  return row!;
}

export async function signIn(app: Fetcher, email: string, password = PASSWORD): Promise<StaffSession & { response: Response }> {
  const response = await app.request('/api/staff/session', json({ email, password }));
  const setCookie = response.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  const body = response.status === 200 ? ((await response.clone().json()) as { csrfToken: string; staff: { id: string } }) : undefined;
  return { id: body?.staff.id ?? '', email, cookie, csrf: body?.csrfToken ?? '', response };
}

export async function staffSession(app: Fetcher, db: Db, role: (typeof STAFF_ROLES)[number], department?: string) {
  const user = await makeStaff(db, role, department);
  const session = await signIn(app, user.email);
  if (session.response.status !== 200) throw new Error(`sign-in failed: ${session.response.status}`);
  return session;
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
