import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, useTestApp } from '../helpers/app.ts';
import { call, fileCase, makeStaff, type StaffSession, signIn, staffSession } from '../helpers/staff.ts';

/*
 * The staff console reads times as the public pages do: every time a staff
 * response carries is Shanghai time with its offset (`2026-03-02T09:30:00+08:00`),
 * never UTC. What a timeline event's data recorded when it happened (a
 * requested due date) is shown as written, on the public pages too.
 */
const clock = fixedClock('2026-03-02T09:00:00+08:00');
const t = useTestApp({ clock });

const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;
const SHANGHAI = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/;

/** Every string in a response that reads as an instant, with where it sits. */
function timesIn(value: unknown, path = '$', found: Array<[string, string]> = []): Array<[string, string]> {
  if (typeof value === 'string' && INSTANT.test(value)) found.push([path, value]);
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) timesIn(v, `${path}[${i}]`, found);
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) if (!(key === 'data' && path.includes('.timeline['))) timesIn(v, `${path}.${key}`, found);
  }
  return found;
}

function expectShanghai(found: Array<[string, string]>) {
  for (const [path, value] of found) expect(value, path).toMatch(SHANGHAI);
}

let admin: StaffSession;
let dispatcher: StaffSession;
let handler: StaffSession;

beforeAll(async () => {
  admin = await staffSession(t.app, t.db, 'admin', undefined, clock.now());
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  handler = await staffSession(t.app, t.db, 'handler', 'enf1', clock.now());
});

async function ok(as: StaffSession, method: string, path: string, body?: unknown) {
  const res = await call(t.app, as, method, path, body);
  expect(res.status, `${method} ${path}: ${res.status}`).toBeLessThan(300);
  return (await res.json()) as Record<string, unknown>;
}

describe('staff times in +08:00', () => {
  it('a case through assign, acknowledge and an extension: the verbs’ answers, its detail and the queue', async () => {
    const filed = await fileCase(t.app, t.db);
    let c = await ok(dispatcher, 'POST', `/api/staff/cases/${filed.id}/assign`, { version: filed.version, leadDepartment: 'enf1' });
    expectShanghai(timesIn(c));
    clock.advance(30 * 60_000);
    c = await ok(handler, 'POST', `/api/staff/cases/${filed.id}/acknowledge`, { version: c.version });
    expect(c.acknowledgedAt).toBe('2026-03-02T09:30:00+08:00');
    c = await ok(handler, 'POST', `/api/staff/cases/${filed.id}/extend`, { version: c.version, reason: '需要协调', newDueAt: '2026-03-31T00:00:00+08:00' });

    const detail = await ok(dispatcher, 'GET', `/api/staff/cases/${filed.id}`);
    const found = timesIn(detail);
    expectShanghai(found);
    const paths = found.map(([path]) => path);
    for (const path of ['$.receivedAt', '$.ackDueAt', '$.replyDueAt', '$.acknowledgedAt', '$.extensions[0].requestedDueAt', '$.extensions[0].createdAt', '$.timeline[0].at']) {
      expect(paths, path).toContain(path);
    }
    expect((detail.extensions as Array<Record<string, unknown>>)[0]!.requestedDueAt).toBe('2026-03-31T00:00:00+08:00');

    const queue = await ok(dispatcher, 'GET', `/api/staff/cases?q=${filed.trackingCode}`);
    expect(timesIn(queue).length).toBeGreaterThanOrEqual(2);
    expectShanghai(timesIn(queue));
  });

  it('a case entered by the office, a real sign-in, the department table', async () => {
    clock.set('2026-03-02T10:00:00+08:00');
    const entered = await ok(dispatcher, 'POST', '/api/staff/cases', {
      channel: 'phone',
      receivedAt: '2026-03-02T08:00:00+08:00',
      station: 'TJ',
      kind: 'consult',
      category: 'signage',
      description: '咨询',
    });
    expect(entered.replyDueAt).toMatch(SHANGHAI);

    const member = await makeStaff(t.db, 'supervisor');
    const session = await signIn(t.app, member.email);
    expect(session.response.status).toBe(200);
    const signedIn = (await session.response.json()) as { expiresAt: string };
    expect(signedIn.expiresAt).toMatch(SHANGHAI);
    expect(Date.parse(signedIn.expiresAt)).toBeGreaterThan(clock.now().getTime());

    const table = await ok(dispatcher, 'GET', '/api/staff/stats/departments?from=2026-03-01&to=2026-03-02');
    expect(table.asOf).toBe('2026-03-02T10:00:00+08:00');
  });

  it('every staff and admin list an admin reads', async () => {
    await ok(admin, 'POST', '/api/staff/admin/api-keys', { name: 'times', owner: 'Open data team <opendata@example.org>' });
    const doc = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const lists = Object.entries(doc.paths)
      .filter(([path, ops]) => path.startsWith('/api/staff/') && !path.includes('{') && 'get' in ops && !path.endsWith('.csv'))
      .map(([path]) => path);
    const query: Record<string, string> = { '/api/staff/admin/calendar': '?year=2026', '/api/staff/stats/departments': '?from=2026-03-01&to=2026-03-02' };
    let timed = 0;
    for (const path of lists) {
      const res = await call(t.app, admin, 'GET', `${path}${query[path] ?? ''}`);
      expect(res.status, path).toBe(200);
      const found = timesIn(await res.json(), path);
      expectShanghai(found);
      if (found.length) timed++;
    }
    // The queue, the outbox, the staff list, the keys and the department table at least carry times.
    expect(timed).toBeGreaterThanOrEqual(5);
  });
});
