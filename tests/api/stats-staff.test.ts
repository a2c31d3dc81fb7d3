import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { foldStats, rowsOf } from '../../api/domain/stats/fold.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { DepartmentTable } from '../../api/routes/staff/stats.ts';
import { fixedClock, jobContext, useTestApp } from '../helpers/app.ts';
import { call, type StaffSession, staffSession } from '../helpers/staff.ts';
import { ids, insertCase } from './stats-fixtures.ts';

/*
 * The staff side of the figures: the per-department table (rollups for the
 * period, live counts for what is open and overdue now) and the CSV export of
 * cases. Its own database: the table counts everything.
 */
const clock = fixedClock('2026-06-15T10:00:00+08:00');
const t = useTestApp({ clock, isolated: true });
let dispatcher: StaffSession;
let supervisor: StaffSession;
let admin: StaffSession;
let handler: StaffSession;
const caseIds: Record<string, string> = {};

beforeAll(async () => {
  const now = clock.now();
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, now);
  supervisor = await staffSession(t.app, t.db, 'supervisor', undefined, now);
  admin = await staffSession(t.app, t.db, 'admin', undefined, now);
  handler = await staffSession(t.app, t.db, 'handler', 'enf1', now);
  const db = t.db;
  caseIds.k1 = await insertCase(db, {
    category: 'touting',
    location: 'front_square',
    department: 'enf1',
    status: 'closed',
    receivedAt: '2026-06-01T09:00:00+08:00',
    ack: 1,
    reply: 30,
    close: 40,
    phone: '+8613900001111',
    name: '张三',
    description: '前广场有人拉客，态度恶劣',
  });
  caseIds.k2 = await insertCase(db, {
    category: 'touting',
    department: 'enf1',
    status: 'in_progress',
    receivedAt: '2026-06-10T09:00:00+08:00',
    ack: 3,
    nextDue: 100,
    description: '=HYPERLINK("http://evil.example")出站口拉客',
  });
  caseIds.k3 = await insertCase(db, { category: 'illegal_taxi', department: 'enf1', status: 'assigned', receivedAt: '2026-06-14T09:00:00+08:00', nextDue: 30 });
  caseIds.k5 = await insertCase(db, { category: 'parking', status: 'new', receivedAt: '2026-06-15T08:00:00+08:00', nextDue: 1 });
  caseIds.k6 = await insertCase(db, { category: 'facilities', department: 'railway_police', status: 'replied', receivedAt: '2026-06-05T09:00:00+08:00', ack: 1, reply: 20 });
  const ref = await ids(db);
  await db.execute(sql`INSERT INTO case_departments (case_id, department_id) VALUES (${caseIds.k3}::uuid, ${ref.department('railway_police')})`);
  // Older, at another station: enough to need two pages of the export.
  await db.execute(sql`
    INSERT INTO cases (tracking_code, station_id, channel, kind, category_id, description, status, received_at, ack_due_at, contact_due_at, reply_due_at, reporter_phone)
    SELECT 'x' || lpad(g::text, 9, '0'), ${ref.station('TJN')}, 'web', 'complaint', ${ref.category('signage')}, '标识不清 ' || g, 'closed',
           timestamptz '2026-05-01 00:00:00+08' + g * interval '17 minutes', now(), now(), now(), '+8613911112222'
    FROM generate_series(1, 1050) AS g`);
});

describe('GET /api/staff/stats/departments while the fold is behind', () => {
  it('says how many cases wait for the fold; a request folds a bounded batch itself', async () => {
    const before = await table(dispatcher, 'period=2026-06');
    // 1055 written, the request folded 200 (oldest first): the rest wait for the job.
    expect(before.pendingCases).toBe(855);
    await foldStats(jobContext(t, clock));
    expect((await table(dispatcher, 'period=2026-06')).pendingCases).toBe(0);
  });
});

const table = async (session: StaffSession, query: string) => {
  const res = await call(t.app, session, 'GET', `/api/staff/stats/departments?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return DepartmentTable.parse(await res.json());
};

describe('GET /api/staff/stats/departments', () => {
  it('each lead department: the period’s on-time rates from the rollups, open and overdue now from the live cases', async () => {
    const s = await table(dispatcher, 'period=2026-06&station=TJ');
    const row = (code: string) => s.departments.find((d) => d.department.code === code)!;
    expect(row('enf1')).toMatchObject({
      department: { code: 'enf1', name: '执法一科', isPartner: false },
      received: 3,
      closed: 1,
      // Reply deadlines in June: 11 June, answered in 30 hours; 20 and 24 June, not answered yet: running, not late.
      due: 1,
      dueOnTime: 1,
      dueRunning: 2,
      // Acknowledged within 2 hours: one of the three (one took 3 hours, one was never acknowledged).
      ackDue: 3,
      ackOnTime: 1,
      rates: { onTime: 100, response: 33.33, closure: 33.33 },
      open: 2,
      overdue: 1,
      fewEvaluations: true,
    });
    expect(row('railway_police')).toMatchObject({ department: { isPartner: true }, received: 1, open: 1, overdue: 0 });
    expect(row('none')).toMatchObject({ department: { name: '未分派' }, received: 1, open: 1, overdue: 1 });
    expect(row('enf2')).toMatchObject({ received: 0, open: 0, overdue: 0, rates: { onTime: null } });
    // The definitions come with the table, as on the public page.
    expect(s.definitions.find((d) => d.key === 'onTimeRate')?.text).toContain('计时尚在进行');
    // The office's sections first (most overdue first), partner units after, the unassigned last.
    expect(s.departments[0]!.department.code).toBe('enf1');
    expect(s.departments.at(-1)!.department.code).toBe('none');
  });

  it('a handler sees the row of their own department only', async () => {
    const s = await table(handler, 'period=2026-06');
    expect(s.departments.map((d) => d.department.code)).toEqual(['enf1']);
  });

  it('needs a session, and validates like the public figures', async () => {
    expect((await t.app.request('/api/staff/stats/departments')).status).toBe(401);
    const res = await call(t.app, dispatcher, 'GET', '/api/staff/stats/departments?from=2026-06-30&to=2026-06-01');
    expect(res.status).toBe(400);
    expect(ErrorEnvelope.parse(await res.json()).error.code).toBe('invalid_input');
  });
});

async function exportCsv(session: StaffSession, query: string) {
  const res = await call(t.app, session, 'GET', `/api/staff/export/cases.csv?${query}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  return {
    res,
    bytes,
    text,
    lines: text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n'),
  };
}

describe('GET /api/staff/export/cases.csv', () => {
  it('UTF-8 with a BOM; Chinese survives; no contact details; a formula in a description is defused', async () => {
    const { res, bytes, text, lines } = await exportCsv(dispatcher, 'station=TJ&status=all');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="cases-2026-06-15.csv"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(lines[0]!.startsWith('查询码,状态,等级,类型,渠道,')).toBe(true);
    expect(lines).toHaveLength(1 + 5);
    expect(text).toContain('前广场有人拉客，态度恶劣');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"")出站口拉客"`);
    expect(text).toContain('执法一科');
    expect(text).not.toContain('13900001111');
    expect(text).not.toContain('张三');
    // Oldest first.
    expect(lines[1]).toContain('已办结');
  });

  it('filters like the queue: open statuses by default, received dates, department', async () => {
    expect((await exportCsv(dispatcher, 'station=TJ')).lines).toHaveLength(1 + 4);
    expect((await exportCsv(dispatcher, 'status=all&station=TJ&from=2026-06-10&to=2026-06-14')).lines).toHaveLength(1 + 2);
    expect((await exportCsv(dispatcher, 'status=all&department=enf1')).lines).toHaveLength(1 + 3);
    expect((await exportCsv(dispatcher, 'overdue=true')).lines).toHaveLength(1 + 2);
  });

  it('streams page after page: every case once', async () => {
    const { lines } = await exportCsv(dispatcher, 'status=all&station=TJN&lang=en');
    expect(lines[0]!.startsWith('tracking code,status,')).toBe(true);
    const codes = lines.slice(1).map((l) => l.split(',')[0]);
    expect(codes).toHaveLength(1050);
    expect(new Set(codes).size).toBe(1050);
    expect(codes[0]).toBe('x000000001');
    expect(codes.at(-1)).toBe('x000001050');
  });

  it('a handler exports their department’s cases (lead or co-handling) only', async () => {
    const { lines } = await exportCsv(handler, 'status=all');
    expect(lines).toHaveLength(1 + 3);
  });

  it('contact details only for a supervisor who asks, and each exported case records it', async () => {
    const refused = await call(t.app, dispatcher, 'GET', '/api/staff/export/cases.csv?reveal=true&lang=en');
    expect(refused.status).toBe(403);
    expect(ErrorEnvelope.parse(await refused.json()).error.message).toBe('Only supervisors may export contact details');

    const { lines, text, res } = await exportCsv(supervisor, 'station=TJ&status=all&reveal=true');
    expect(res.headers.get('content-disposition')).toContain('with-contacts');
    expect(lines[0]!.endsWith(',姓名,电话,邮箱')).toBe(true);
    expect(text).toContain('张三');
    expect(text).toContain("'+8613900001111");
    const [events] = rowsOf<{ n: number }>(await t.db.execute(sql`SELECT count(*)::int AS n FROM case_events WHERE type = 'contact_revealed' AND data->>'via' = 'export'`));
    expect(Number(events!.n)).toBe(5);
  });

  it('follows the reveal rule: whoever may not open one contact may not export them all', async () => {
    // An admin may not reveal a single case's contact…
    const [one] = rowsOf<{ id: string }>(await t.db.execute(sql`SELECT id FROM cases ORDER BY received_at LIMIT 1`));
    expect((await call(t.app, admin, 'POST', `/api/staff/cases/${one!.id}/reveal`)).status).toBe(403);
    // …so neither the whole export, nor a handler's department export.
    for (const who of [admin, handler]) {
      const res = await call(t.app, who, 'GET', '/api/staff/export/cases.csv?reveal=1');
      expect(res.status).toBe(403);
      expect(ErrorEnvelope.parse(await res.json()).error.code).toBe('forbidden');
    }
    // Without contacts the export stays open to them.
    expect((await exportCsv(admin, 'station=TJ')).res.status).toBe(200);
  });

  it('names the file by the office’s date, also before 08:00 in Beijing', async () => {
    const saved = clock.now();
    // Within the test session's life: 23:30 UTC the day before.
    clock.set('2026-06-15T07:30:00+08:00');
    try {
      const res = await call(t.app, dispatcher, 'GET', '/api/staff/export/cases.csv?station=TJ');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="cases-2026-06-15.csv"');
      await res.arrayBuffer();
    } finally {
      clock.set(saved);
    }
  });

  it('bad filters are a 400 before anything is sent; no session is a 401', async () => {
    for (const query of ['station=XX', 'from=2026-13-01', 'status=open,weird']) {
      const res = await call(t.app, dispatcher, 'GET', `/api/staff/export/cases.csv?${query}`);
      expect(res.status, query).toBe(400);
      expect(ErrorEnvelope.parse(await res.json()).error.code).toBe('invalid_input');
    }
    expect((await t.app.request('/api/staff/export/cases.csv')).status).toBe(401);
  });
});
