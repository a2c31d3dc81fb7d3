import { and, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../../api/context.ts';
import { formatTrackingCode } from '../../api/domain/cases/tracking-code.ts';
import { toShanghaiIso } from '../../api/domain/deadlines/shanghai-time.ts';
import { sweepDeadlines } from '../../api/domain/deadlines/sweep.ts';
import { holdDigestParts } from '../../api/domain/messages/alert-digest.ts';
import { renderEmail } from '../../api/domain/messages/templates.ts';
import { CaseDetail, EnteredCase, QueueCounts, QueuePage } from '../../api/routes/staff/schemas.ts';
import { caseAlerts, caseEvents, cases, departments, outbox } from '../../db/schema.ts';
import { fixedClock, jobContext, uniquePhone, useTestApp } from '../helpers/app.ts';
import { call, makeStaff, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * The sweep acts on every due case in its database, so this file has a
 * database of its own. Time is a hand-moved clock; nothing sleeps.
 */
const clock = fixedClock('2026-02-13T16:00:00+08:00');
const t = useTestApp({ clock, isolated: true });
let dispatcher: StaffSession;
let handler: StaffSession;
let supervisorEmail: string;

beforeAll(async () => {
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  handler = await staffSession(t.app, t.db, 'handler', 'enf1', clock.now());
  supervisorEmail = (await makeStaff(t.db, 'supervisor')).email;
  await t.db.update(departments).set({ email: 'enf1@office.test' }).where(eq(departments.code, 'enf1'));
});

const at = (iso: string) => clock.set(iso);
const sweep = () => sweepDeadlines(jobContext(t, clock));

/** Keeps the staff sessions alive across the long jumps of the clock (sessions idle out after 2 hours). */
let signedInAt = Number.NaN;
async function freshSessions() {
  if (Math.abs(clock.now().getTime() - signedInAt) < 3600_000) return;
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  handler = await staffSession(t.app, t.db, 'handler', 'enf1', clock.now());
  signedInAt = clock.now().getTime();
}

async function enter(receivedAt: string, kind = 'complaint', station = 'TJ') {
  at(receivedAt);
  await freshSessions();
  const res = await call(t.app, dispatcher, 'POST', '/api/staff/cases', {
    channel: 'phone',
    receivedAt,
    station,
    kind,
    category: 'touting',
    description: `出站口拉客 ${receivedAt}`,
  });
  if (res.status !== 201) throw new Error(await res.text());
  return EnteredCase.parse(await res.json());
}

async function eventsOf(id: string) {
  return t.db.select().from(caseEvents).where(eq(caseEvents.caseId, id));
}
async function alertsOf(id: string) {
  return t.db.select().from(caseAlerts).where(eq(caseAlerts.caseId, id));
}

/** The sweep's mail: digests (alert_digest), one line per alert. */
type DigestLine = { kind: string; caseId: string; trackingCode: string; clock: string; dueAt: string; priority: string; owner: string };
async function digests(recipient?: string) {
  const rows = await t.db.select().from(outbox).where(eq(outbox.template, 'alert_digest'));
  return rows.filter((r) => recipient === undefined || r.recipient === recipient);
}
const linesOf = (row: { payload: Record<string, unknown> }) => row.payload.items as DigestLine[];
/** Every line mailed about a case, with whom it went to. */
async function mailedAbout(caseId: string) {
  return (await digests()).flatMap((r) =>
    linesOf(r)
      .filter((i) => i.caseId === caseId)
      .map((i) => ({ ...i, recipient: r.recipient })),
  );
}

describe('deadlines on the working calendar', () => {
  it('Spring Festival 2026: due 2026-03-06 00:00, warned at 80 %, escalated once when passed', async () => {
    const c = await enter('2026-02-13T17:00:00+08:00');
    expect(toShanghaiIso(new Date(c.replyDueAt))).toBe('2026-03-06T00:00:00+08:00');

    // The 2-hour acknowledge clock warns at 18:36 and escalates at 19:00.
    at('2026-02-13T18:35:00+08:00');
    await sweep();
    expect((await alertsOf(c.id)).length).toBe(0);
    at('2026-02-13T18:37:00+08:00');
    await sweep();
    expect((await alertsOf(c.id)).map((a) => `${a.clock}:${a.kind}`)).toEqual(['ack:warning']);
    expect(await mailedAbout(c.id)).toEqual([]); // not assigned yet: no department to warn, the event is the record

    at('2026-02-13T19:01:00+08:00');
    await sweep();
    await sweep();
    const escalations = (await alertsOf(c.id)).filter((a) => a.kind === 'escalation');
    expect(escalations.map((a) => a.clock)).toEqual(['ack']);
    const mails = (await mailedAbout(c.id)).filter((m) => m.kind === 'escalation');
    expect(mails.map((m) => m.recipient)).toContain(supervisorEmail);
    expect(new Set(mails.map((m) => m.recipient)).size).toBe(mails.length);
    const [row] = await t.db.select().from(cases).where(eq(cases.id, c.id));
    expect(row!.overdue).toBe(true);
    expect((await eventsOf(c.id)).filter((e) => e.type === 'escalated')).toHaveLength(1);

    // The reply clock: 487 hours from receipt to due, so 80 % is 2026-03-01 22:36.
    await freshSessions();
    at('2026-03-01T22:35:00+08:00');
    await sweep();
    expect((await alertsOf(c.id)).some((a) => a.clock === 'reply')).toBe(false);
    at('2026-03-01T22:37:00+08:00');
    await sweep();
    expect((await alertsOf(c.id)).some((a) => a.clock === 'reply' && a.kind === 'warning')).toBe(true);
    at('2026-03-06T00:00:30+08:00');
    await sweep();
    expect((await alertsOf(c.id)).some((a) => a.clock === 'reply' && a.kind === 'escalation')).toBe(true);
  });

  it('National Day 2025 and 2026 and the Mid-Autumn days before it', async () => {
    expect(toShanghaiIso(new Date((await enter('2025-09-30T10:00:00+08:00')).replyDueAt))).toBe('2025-10-22T00:00:00+08:00');
    expect(toShanghaiIso(new Date((await enter('2026-09-30T15:00:00+08:00')).replyDueAt))).toBe('2026-10-21T00:00:00+08:00');
    // Sep 25–27 off, Sep 28–30 worked, Oct 1–7 off, Oct 8–9 worked.
    expect(toShanghaiIso(new Date((await enter('2026-09-24T11:00:00+08:00', 'help')).replyDueAt))).toBe('2026-10-10T00:00:00+08:00');
    // Across the year end: Jan 1–3 2026 off, Jan 4 (Sunday) worked.
    expect(toShanghaiIso(new Date((await enter('2025-12-31T20:00:00+08:00', 'consult')).replyDueAt))).toBe('2026-01-05T00:00:00+08:00');
  });
});

describe('the sweep', () => {
  it('an extension asked in time but granted after the breach moves the deadline, clears overdue, and warns afresh for the new one', async () => {
    at('2026-05-06T09:00:00+08:00');
    await freshSessions();
    const c = await enter('2026-05-06T09:00:00+08:00', 'consult');
    let res = await call(t.app, dispatcher, 'POST', `/api/staff/cases/${c.id}/assign`, { version: 1, leadDepartment: 'enf1' });
    let d = CaseDetail.parse(await res.json());
    res = await call(t.app, handler, 'POST', `/api/staff/cases/${c.id}/acknowledge`, { version: d.version });
    d = CaseDetail.parse(await res.json());
    res = await call(t.app, handler, 'POST', `/api/staff/cases/${c.id}/contact`, { version: d.version, method: 'phone' });
    d = CaseDetail.parse(await res.json());
    expect(toShanghaiIso(new Date(d.replyDueAt))).toBe('2026-05-08T00:00:00+08:00'); // 1 working day: May 7
    // The lead department was told by email when the case was assigned to it.
    const [assigned] = await t.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.caseId, c.id), eq(outbox.template, 'assignment')));
    expect(assigned).toMatchObject({ channel: 'email', recipient: 'enf1@office.test' });

    // The handler asks for more time before the deadline; nobody decides before it passes.
    at('2026-05-07T20:00:00+08:00');
    await freshSessions();
    res = await call(t.app, handler, 'POST', `/api/staff/cases/${c.id}/extend`, { version: d.version, reason: '需协调交警', newDueAt: '2026-05-15T00:00:00+08:00' });
    expect(res.status).toBe(200);

    at('2026-05-08T01:00:00+08:00');
    await freshSessions();
    await sweep();
    const breach = (await alertsOf(c.id))
      .filter((a) => a.clock === 'reply')
      .map((a) => a.kind)
      .sort();
    expect(breach).toEqual(['escalation']);
    d = CaseDetail.parse(await (await call(t.app, dispatcher, 'GET', `/api/staff/cases/${c.id}`)).json());
    expect(d.overdue).toBe(true);

    res = await call(t.app, dispatcher, 'POST', `/api/staff/cases/${c.id}/decide-extension`, { version: d.version, approve: true });
    d = CaseDetail.parse(await res.json());
    expect(d).toMatchObject({ overdue: false, extensionCount: 1 });
    expect(toShanghaiIso(new Date(d.replyDueAt))).toBe('2026-05-15T00:00:00+08:00');
    const overdueQueue = QueuePage.parse(await (await call(t.app, dispatcher, 'GET', '/api/staff/cases?overdue=true&limit=200')).json());
    expect(overdueQueue.items.map((i) => i.id)).not.toContain(c.id);

    await sweep();
    expect((await alertsOf(c.id)).filter((a) => a.clock === 'reply')).toHaveLength(1);
    // 80 % of May 6 09:00 → May 15 00:00 (207 h) is May 13 06:36; the department is warned by email.
    at('2026-05-13T06:40:00+08:00');
    await freshSessions();
    await sweep();
    const reply = (await alertsOf(c.id)).filter((a) => a.clock === 'reply');
    expect(reply.map((a) => `${a.kind}@${toShanghaiIso(a.dueAt)}`).sort()).toEqual(['escalation@2026-05-08T00:00:00+08:00', 'warning@2026-05-15T00:00:00+08:00']);
    const warnings = (await mailedAbout(c.id)).filter((m) => m.kind === 'warning');
    expect(warnings.map((w) => w.recipient)).toEqual(['enf1@office.test']);
  });

  it('red cases reach supervisors at once, and only once', async () => {
    at('2026-07-01T10:00:00+08:00');
    await freshSessions();
    const c = await enter('2026-07-01T10:00:00+08:00');
    const res = await call(t.app, dispatcher, 'POST', `/api/staff/cases/${c.id}/priority`, { version: 1, priority: 'red', owner: '刘主任' });
    expect(res.status).toBe(200);
    await sweep();
    await sweep();
    const red = (await mailedAbout(c.id)).filter((m) => m.kind === 'red');
    expect(red.map((m) => m.recipient)).toContain(supervisorEmail);
    expect(red.filter((m) => m.recipient === supervisorEmail)).toHaveLength(1);
    expect(red[0]).toMatchObject({ owner: '刘主任', priority: 'red' });
    expect((await eventsOf(c.id)).filter((e) => e.type === 'red_escalated')).toHaveLength(1);
  });

  it('overlapping sweeps warn and escalate each clock exactly once', async () => {
    at('2026-08-03T09:00:00+08:00');
    await freshSessions();
    const entered = [];
    for (let i = 0; i < 30; i++) entered.push(await enter(`2026-08-03T09:${String(i).padStart(2, '0')}:00+08:00`));
    const ids = entered.map((e) => e.id);
    at('2026-08-03T11:45:00+08:00'); // every acknowledge clock has passed
    const results = await Promise.all([sweep(), sweep(), sweep(), sweep()]);
    const escalations = results.reduce((n, r) => n + r.escalations, 0);
    // The four sweeps together report exactly the escalations that exist (earlier tests' cases included).
    const created = await t.db
      .select()
      .from(caseAlerts)
      .where(and(eq(caseAlerts.kind, 'escalation'), eq(caseAlerts.createdAt, clock.now())));
    expect(escalations).toBe(created.length);
    expect(escalations).toBeGreaterThanOrEqual(30);
    const alerts = await t.db.select().from(caseAlerts).where(inArray(caseAlerts.caseId, ids));
    expect(alerts.filter((a) => a.clock === 'ack' && a.kind === 'escalation')).toHaveLength(30);
    const events = await t.db
      .select()
      .from(caseEvents)
      .where(and(inArray(caseEvents.caseId, ids), eq(caseEvents.type, 'escalated')));
    expect(events).toHaveLength(30);
    // Each escalation these sweeps made is mailed to the supervisor exactly once, whichever sweep merged it.
    const mailed = (await digests(supervisorEmail)).flatMap(linesOf).filter((i) => i.kind === 'escalation');
    for (const a of created)
      expect(
        mailed.filter((i) => i.caseId === a.caseId && i.clock === a.clock && i.dueAt === a.dueAt.toISOString()),
        a.caseId,
      ).toHaveLength(1);
    const again = await sweep();
    expect(again.escalations).toBe(0);

    await freshSessions();
    const counts = QueueCounts.parse(await (await call(t.app, dispatcher, 'GET', '/api/staff/dashboard')).json());
    expect(counts.overdue).toBeGreaterThanOrEqual(30);
  });
});

describe('the sweep mails one digest per recipient', () => {
  /** Files a case with a caller's phone, so that the digest can be shown to carry none. */
  async function enterWithPhone(receivedAt: string) {
    at(receivedAt);
    await freshSessions();
    const phone = uniquePhone();
    const res = await call(t.app, dispatcher, 'POST', '/api/staff/cases', {
      channel: 'phone',
      receivedAt,
      station: 'TJN',
      kind: 'complaint',
      category: 'touting',
      description: `南站出站口拉客 ${receivedAt}`,
      phone,
    });
    if (res.status !== 201) throw new Error(await res.text());
    return { ...EnteredCase.parse(await res.json()), phone };
  }
  const newSince = <T extends { id: number }>(before: T[], rows: T[]) => rows.filter((r) => !before.some((b) => b.id === r.id));

  it('many escalations for one supervisor in one sweep, over many batches, are one mail listing them all', async () => {
    const entered = [];
    for (let i = 0; i < 45; i++) entered.push(await enterWithPhone(`2026-09-14T09:${String(i).padStart(2, '0')}:00+08:00`));
    at('2026-09-14T11:50:00+08:00'); // every acknowledge clock has passed
    const before = await digests(supervisorEmail);
    const result = await sweepDeadlines(jobContext(t, clock), { batchSize: 10 });
    expect(result.escalations).toBeGreaterThanOrEqual(45);

    const written = newSince(before, await digests(supervisorEmail));
    expect(written).toHaveLength(1);
    const mail = written[0]!;
    expect(mail).toMatchObject({ channel: 'email', status: 'pending', caseId: null });
    expect(mail.nextAttemptAt.getTime()).toBe(clock.now().getTime()); // due now, not held
    for (const c of entered) {
      expect(linesOf(mail).filter((i) => i.caseId === c.id && i.kind === 'escalation' && i.clock === 'ack')).toHaveLength(1);
    }
    // No held part is left behind.
    expect((await digests()).filter((r) => r.idempotencyKey.startsWith('alert-part:'))).toEqual([]);

    // Tracking code, deadline and the staff case page for each; no caller's phone anywhere.
    const email = renderEmail('alert_digest', 'zh-CN', mail.payload, 'https://hotline.example.cn');
    expect(email.subject).toContain('超时');
    for (const c of entered) {
      expect(email.text).toContain(formatTrackingCode(c.trackingCode));
      expect(email.text).toContain(`https://hotline.example.cn/staff/cases/${c.id}`);
      expect(JSON.stringify(mail.payload)).not.toContain(c.phone.slice(-8));
      expect(email.text).not.toContain(c.phone.slice(-8));
    }
    expect(email.text).toContain('签收时限 2026-09-14 11:00 已过');

    // A second sweep with nothing new mails nothing.
    const all = await t.db.select({ id: outbox.id }).from(outbox);
    const again = await sweep();
    expect(again).toMatchObject({ warnings: 0, escalations: 0, red: 0, digests: 0 });
    expect(await t.db.select({ id: outbox.id }).from(outbox)).toHaveLength(all.length);
  });

  it('two supervisors get one digest each, listing the same alerts', async () => {
    const second = await makeStaff(t.db, 'supervisor');
    const entered = [];
    for (let i = 0; i < 4; i++) entered.push(await enterWithPhone(`2026-09-21T09:0${i}:00+08:00`));
    at('2026-09-21T11:30:00+08:00');
    const before = { first: await digests(supervisorEmail), second: await digests(second.email) };
    const result = await sweep();
    const first = newSince(before.first, await digests(supervisorEmail));
    const other = newSince(before.second, await digests(second.email));
    expect(first).toHaveLength(1);
    expect(other).toHaveLength(1);
    const keys = (row: (typeof first)[number]) => linesOf(row).map((i) => `${i.caseId}|${i.clock}|${i.kind}`);
    expect(keys(other[0]!)).toEqual(keys(first[0]!));
    expect(keys(first[0]!)).toEqual(expect.arrayContaining(entered.map((c) => `${c.id}|ack|escalation`)));
    expect(first[0]!.idempotencyKey).not.toBe(other[0]!.idempotencyKey);
    expect(result.digests).toBeGreaterThanOrEqual(2);
  });

  it("a department's warnings are one digest to its mailbox, and none to supervisors", async () => {
    const entered = [];
    for (let i = 0; i < 3; i++) {
      const c = await enterWithPhone(`2026-09-28T10:0${i}:00+08:00`);
      const res = await call(t.app, dispatcher, 'POST', `/api/staff/cases/${c.id}/assign`, { version: 1, leadDepartment: 'enf1' });
      expect(res.status).toBe(200);
      entered.push(c);
    }
    // 80 % of the 2-hour acknowledge clock: 11:36 for the first, 11:38 for the last.
    at('2026-09-28T11:40:00+08:00');
    const before = await digests('enf1@office.test');
    await sweepDeadlines(jobContext(t, clock), { batchSize: 1 });
    const written = newSince(before, await digests('enf1@office.test'));
    expect(written).toHaveLength(1);
    expect(linesOf(written[0]!).map((i) => `${i.caseId}|${i.kind}`)).toEqual(expect.arrayContaining(entered.map((c) => `${c.id}|warning`)));
    expect(renderEmail('alert_digest', 'zh-CN', written[0]!.payload, 'https://x').subject).toMatch(/^【预警】/);
    for (const c of entered) expect((await mailedAbout(c.id)).map((m) => m.recipient)).toEqual(['enf1@office.test']);
  });

  it('a part left by a sweep that died before merging goes out with the next digest, once', async () => {
    at('2026-10-12T09:00:00+08:00');
    const c = await enterWithPhone('2026-10-12T09:00:00+08:00');
    const item = {
      kind: 'escalation' as const,
      caseId: c.id,
      trackingCode: c.trackingCode,
      clock: 'ack',
      dueAt: '2026-10-12T03:00:00.000Z',
      station: '天津南站',
      department: '',
      priority: 'normal',
      owner: '',
    };
    // The batch committed its part (twice, as a retried batch would); the merge never ran.
    const ctx = jobContext(t, clock);
    await withTransaction(ctx, (tx) => holdDigestParts(tx, [{ recipient: supervisorEmail, item }]));
    await withTransaction(ctx, (tx) => holdDigestParts(tx, [{ recipient: supervisorEmail.toUpperCase(), item }]));
    const parts = (await digests()).filter((r) => r.idempotencyKey.startsWith('alert-part:'));
    expect(parts).toHaveLength(1);
    expect(parts[0]!.nextAttemptAt.getTime()).toBeGreaterThan(clock.now().getTime()); // held: delivery does not take it yet

    at('2026-10-12T09:01:00+08:00');
    const before = await digests(supervisorEmail);
    await sweep(); // (other tests' cases may fall due too: they join the same digest)
    const written = newSince(before, await digests(supervisorEmail));
    expect(written).toHaveLength(1);
    expect(linesOf(written[0]!)).toContainEqual(item);
    expect(await mailedAbout(c.id)).toEqual([{ ...item, recipient: supervisorEmail }]);
    expect((await digests()).filter((r) => r.idempotencyKey.startsWith('alert-part:'))).toEqual([]);
    expect((await sweep()).digests).toBe(0);
  });
});
