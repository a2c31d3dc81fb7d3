import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../api/context.ts';
import { handleError } from '../../api/http/envelope.ts';
import { t as message } from '../../api/i18n.ts';
import { createPublicRouter, createStaffRouter } from '../../api/routes/routers.ts';
import { useTestApp } from '../helpers/app.ts';
import { json } from '../helpers/factories.ts';
import { makeStaff, PASSWORD, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * Every staff route in the OpenAPI document, walked: the guards are declared
 * once per audience router, and this proves each route actually runs its own.
 * A route that lost its guard would answer 400, 404 or 500 here instead.
 */
const t = useTestApp();

interface Operation {
  method: string;
  path: string;
  url: string;
}
type Document = { paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; schema?: { type?: string; format?: string } }> }>> };

const WRITES = new Set(['post', 'put', 'patch', 'delete']);
const SIGN_IN = 'post /api/staff/session';
const isAdminPath = (path: string) => path.startsWith('/api/staff/admin/');

/** A plausible value for a path parameter, so that the route (not the 404) answers. */
function sample(schema: { type?: string; format?: string } = {}): string {
  if (schema.type === 'integer') return '7';
  if (schema.format === 'uuid') return randomUUID();
  if (schema.format === 'date') return '2027-10-01';
  return 'TJ';
}

let operations: Operation[] = [];
const sessions = {} as Record<'admin' | 'dispatcher' | 'supervisor' | 'handler', StaffSession>;

beforeAll(async () => {
  const doc = (await (await t.app.request('/api/openapi.json')).json()) as Document;
  operations = Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/staff/'))
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        let url = path;
        for (const p of op.parameters ?? []) if (p.in === 'path') url = url.replace(`{${p.name}}`, sample(p.schema));
        return { method, path, url };
      }),
    )
    .filter((op) => `${op.method} ${op.path}` !== SIGN_IN);
  sessions.admin = await staffSession(t.app, t.db, 'admin');
  sessions.dispatcher = await staffSession(t.app, t.db, 'dispatcher');
  sessions.supervisor = await staffSession(t.app, t.db, 'supervisor');
  sessions.handler = await staffSession(t.app, t.db, 'handler', 'enf1');
});

function send(op: Operation, headers: Record<string, string>) {
  const write = WRITES.has(op.method);
  return t.app.request(op.url, {
    method: op.method.toUpperCase(),
    headers: { ...headers, ...(write ? { 'content-type': 'application/json' } : {}) },
    ...(write ? { body: '{}' } : {}),
  });
}

async function error(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe('the walk covers the staff API', () => {
  it('finds the staff, admin and Open311 key routes in the document', () => {
    const names = new Set(operations.map((op) => `${op.method} ${op.path}`));
    for (const known of [
      'get /api/staff/me',
      'delete /api/staff/session',
      'post /api/staff/cases/{id}/assign',
      'get /api/staff/outbox',
      'patch /api/staff/admin/staff/{id}',
      'delete /api/staff/admin/api-keys/{id}',
    ]) {
      expect(names).toContain(known);
    }
    expect(operations.length).toBeGreaterThanOrEqual(45);
    expect(operations.filter((op) => isAdminPath(op.path)).length).toBeGreaterThanOrEqual(20);
  });
});

describe('every staff route needs a session', () => {
  it('answers 401 without one, on every method', async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const res = await send(op, {});
      const body = await error(res);
      if (res.status !== 401 || body.message !== message('zh-CN', 'unauthorized')) wrong.push(`${op.method} ${op.path}: ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('answers 401 to a session cookie the server never issued', async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const res = await send(op, { cookie: 'hotline_session=forged', 'x-csrf-token': 'forged' });
      if (res.status !== 401) wrong.push(`${op.method} ${op.path}: ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('every admin route needs the admin role', () => {
  for (const role of ['dispatcher', 'supervisor', 'handler'] as const) {
    it(`answers 403 to a signed-in ${role}, before reading the body`, async () => {
      const wrong: string[] = [];
      for (const op of operations.filter((o) => isAdminPath(o.path))) {
        const res = await send(op, { cookie: sessions[role].cookie, 'x-csrf-token': sessions[role].csrf });
        const body = await error(res);
        if (res.status !== 403 || body.message !== message('zh-CN', 'admin.only')) wrong.push(`${op.method} ${op.path}: ${res.status} ${body.message}`);
      }
      expect(wrong).toEqual([]);
    });
  }
});

describe('every staff write needs the CSRF token', () => {
  it('answers 403 to a valid session without it, admin routes included', async () => {
    const writes = operations.filter((op) => WRITES.has(op.method));
    expect(writes.length).toBeGreaterThanOrEqual(30);
    const wrong: string[] = [];
    for (const op of writes) {
      const res = await send(op, { cookie: sessions.admin.cookie });
      const body = await error(res);
      if (res.status !== 403 || body.message !== message('zh-CN', 'csrf_failed')) wrong.push(`${op.method} ${op.path}: ${res.status} ${body.message}`);
    }
    expect(wrong).toEqual([]);
    // Sign-out was among them and refused: the session still answers.
    expect((await t.app.request('/api/staff/me', { headers: { cookie: sessions.admin.cookie } })).status).toBe(200);
  });
});

describe('sign-in stays reachable without a session', () => {
  it('signs in with the right password and no cookie', async () => {
    const user = await makeStaff(t.db, 'dispatcher');
    const res = await t.app.request('/api/staff/session', json({ email: user.email, password: PASSWORD }));
    expect(res.status).toBe(200);
  });
});

describe('the staff router', () => {
  it('guards a plain route too, not only contracts', async () => {
    const router = createStaffRouter();
    router.get('/api/staff/plain', (c) => c.text(c.get('staff').name));
    const app = new Hono<AppEnv>().onError(handleError).route('/', router);
    expect((await app.request('/api/staff/plain')).status).toBe(401);
  });

  it('is what gives a handler the signed-in member of staff: a public handler has none, and the type checker says so', async () => {
    const router = createPublicRouter();
    router.get('/api/public-example', (c) => {
      // @ts-expect-error the public router has no guard, so no staff member to read
      const staff: unknown = c.get('staff');
      return c.json({ hasStaff: staff !== undefined });
    });
    const app = new Hono<AppEnv>().onError(handleError).route('/', router);
    expect(await (await app.request('/api/public-example')).json()).toEqual({ hasStaff: false });
  });
});
