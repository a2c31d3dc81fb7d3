import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { toShanghaiIso } from '../../api/domain/deadlines/shanghai-time.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { PublicCase } from '../../api/routes/public/schemas.ts';
import { CaseDetail, EnteredCase, QueueCounts, QueuePage, Revealed } from '../../api/routes/staff/schemas.ts';
import { caseEvents, cases, outbox } from '../../db/schema.ts';
import { fixedClock, useTestApp } from '../helpers/app.ts';
import { call, fileCase, type StaffSession, staffSession } from '../helpers/staff.ts';

const clock = fixedClock('2026-03-02T09:00:00+08:00');
const t = useTestApp({ clock });
let dispatcher: StaffSession;
let supervisor: StaffSession;
let handler: StaffSession;

beforeAll(async () => {
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  supervisor = await staffSession(t.app, t.db, 'supervisor', undefined, clock.now());
  handler = await staffSession(t.app, t.db, 'handler', 'enf2', clock.now());
});

async function detail(id: string, as = dispatcher) {
  const res = await call(t.app, as, 'GET', `/api/staff/cases/${id}`);
  expect(res.status).toBe(200);
  return CaseDetail.parse(await res.json());
}

async function verb(as: StaffSession, id: string, name: string, body: Record<string, unknown>) {
  return call(t.app, as, 'POST', `/api/staff/cases/${id}/${name}`, body);
}

async function ok(as: StaffSession, id: string, name: string, body: Record<string, unknown>) {
  const res = await verb(as, id, name, body);
  if (res.status !== 200) throw new Error(`${name} → ${res.status} ${await res.text()}`);
  return CaseDetail.parse(await res.json());
}

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(ErrorEnvelope.parse(await res.json()).error.code).toBe(code);
}

describe('a case through its whole life', () => {
  it('assign → acknowledge → contact → note → reply → close → reopen, each one timeline event', async () => {
    const filed = await fileCase(t.app, t.db, { category: 'illegal_taxi', email: 'a@example.com' });
    let c = await detail(filed.id);
    expect(c).toMatchObject({ status: 'new', version: 1, suggestedDepartment: { code: 'enf2' } });
    expect(c.reporter.phone).toMatch(/^\+86\d{3}\*{4}\d{4}$/);
    expect(c.reporter.email).toBe('a***@example.com');

    c = await ok(dispatcher, filed.id, 'assign', { version: c.version, leadDepartment: 'enf2', coDepartments: ['railway_police'] });
    expect(c).toMatchObject({ status: 'assigned', leadDepartment: { code: 'enf2' }, coDepartments: [{ code: 'railway_police' }] });
    clock.advance(30 * 60_000);
    c = await ok(handler, filed.id, 'acknowledge', { version: c.version });
    expect(c.status).toBe('in_progress');
    expect(c.acknowledgedAt).toBe(toShanghaiIso(clock.now()));
    c = await ok(handler, filed.id, 'contact', { version: c.version, method: 'phone', note: '已电话联系，约定现场查看' });
    expect(c.contactedAt).toBeTruthy();
    c = await ok(handler, filed.id, 'note', { version: c.version, text: '与铁路公安联合巡查' });
    c = await ok(handler, filed.id, 'reply', { version: c.version, text: '经核查，已对拉客人员依法处理，感谢您的监督。' });
    expect(c).toMatchObject({ status: 'replied', replyText: '经核查，已对拉客人员依法处理，感谢您的监督。' });
    c = await ok(dispatcher, filed.id, 'close', { version: c.version });
    expect(c.status).toBe('closed');
    c = await ok(supervisor, filed.id, 'reopen', { version: c.version, reason: '市民不满意，重办' });
    expect(c).toMatchObject({ status: 'in_progress', reopenCount: 1, closedAt: null });

    expect(c.timeline.map((e) => e.type)).toEqual(['created', 'assigned', 'acknowledged', 'contacted', 'note', 'replied', 'closed', 'reopened']);
    expect(c.version).toBe(8);
    const staffEvents = c.timeline.filter((e) => e.type !== 'created');
    expect(staffEvents.every((e) => e.actor.type === 'staff' && e.actor.id && e.actor.name)).toBe(true);
    expect(c.timeline.find((e) => e.type === 'note')!.isPublic).toBe(false);

    // The reply reached the outbox for SMS and email.
    const replies = await t.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.caseId, filed.id), eq(outbox.template, 'reply')));
    expect(replies.map((r) => r.channel).sort()).toEqual(['email', 'sms']);

    // The citizen's view has the public events only: no internal note, no contact method.
    const pub = await t.app.request(`/api/cases/${filed.trackingCode}?phone4=${filed.body.phone.slice(-4)}`);
    const view = PublicCase.parse(await pub.json());
    expect(view.timeline.map((e) => e.type)).toEqual(['created', 'assigned', 'acknowledged', 'contacted', 'replied', 'closed', 'reopened']);
    expect(JSON.stringify(view)).not.toContain('与铁路公安联合巡查');
    expect(JSON.stringify(view)).not.toContain('约定现场查看');
    expect(view.timeline.find((e) => e.type === 'replied')!.text).toContain('依法处理');
  });

  it('refuses illegal transitions with 409 and changes nothing', async () => {
    const filed = await fileCase(t.app, t.db);
    for (const [name, body] of [
      ['acknowledge', {}],
      ['reply', { text: '答复' }],
      ['close', {}],
      ['reopen', { reason: 'x' }],
    ] as const) {
      const as = name === 'acknowledge' || name === 'reply' ? handler : dispatcher;
      await expectError(
        await verb(as, filed.id, name, { version: 1, ...body }),
        name === 'acknowledge' || name === 'reply' ? 403 : 409,
        name === 'acknowledge' || name === 'reply' ? 'forbidden' : 'conflict',
      );
    }
    const c = await detail(filed.id);
    expect(c.version).toBe(1);
    expect(c.timeline).toHaveLength(1);

    await ok(dispatcher, filed.id, 'assign', { version: 1, leadDepartment: 'enf2' });
    const res = await verb(handler, filed.id, 'reply', { version: 2, text: '未签收就答复' });
    await expectError(res, 409, 'conflict');
    expect((await detail(filed.id)).status).toBe('assigned');
  });

  it('refuses a stale version, and of two writers on one version exactly one wins', async () => {
    const filed = await fileCase(t.app, t.db);
    await ok(dispatcher, filed.id, 'assign', { version: 1, leadDepartment: 'enf2' });
    await expectError(await verb(dispatcher, filed.id, 'note', { version: 1, text: 'stale' }), 409, 'conflict');

    const [a, b] = await Promise.all([verb(dispatcher, filed.id, 'note', { version: 2, text: 'writer A' }), verb(supervisor, filed.id, 'priority', { version: 2, priority: 'yellow' })]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const c = await detail(filed.id);
    expect(c.version).toBe(3);
    // One winner's event after created and assigned (a winning colour change adds its deadlines' recomputation beside it).
    expect(c.timeline.filter((e) => e.type !== 'deadlines_recomputed').map((e) => e.type)).toEqual(['created', 'assigned', b.status === 200 ? 'priority_changed' : 'note']);
    expect(c.timeline).toHaveLength(b.status === 200 ? 4 : 3);
  });

  it('extensions: asked by the handler, refused, asked again, approved — moving the deadline and counted', async () => {
    const filed = await fileCase(t.app, t.db);
    let c = await ok(dispatcher, filed.id, 'assign', { version: 1, leadDepartment: 'enf2' });
    c = await ok(handler, filed.id, 'acknowledge', { version: c.version });
    const later = new Date(new Date(c.replyDueAt).getTime() + 5 * 86_400_000).toISOString();
    await expectError(await verb(handler, filed.id, 'extend', { version: c.version, reason: '需要调取监控', newDueAt: c.receivedAt }), 400, 'invalid_input');
    c = await ok(handler, filed.id, 'extend', { version: c.version, reason: '需要调取监控', newDueAt: later });
    await expectError(await verb(handler, filed.id, 'extend', { version: c.version, reason: 'again', newDueAt: later }), 409, 'conflict');
    await expectError(await verb(handler, filed.id, 'decide-extension', { version: c.version, approve: true }), 403, 'forbidden');
    c = await ok(supervisor, filed.id, 'decide-extension', { version: c.version, approve: false, note: '理由不足' });
    expect(c.extensionCount).toBe(0);
    expect(c.extensions[0]!.status).toBe('refused');
    await expectError(await verb(supervisor, filed.id, 'decide-extension', { version: c.version, approve: true }), 409, 'conflict');

    c = await ok(handler, filed.id, 'extend', { version: c.version, reason: '需要调取监控和联合执法', newDueAt: later });
    const before = c.replyDueAt;
    c = await ok(dispatcher, filed.id, 'decide-extension', { version: c.version, approve: true });
    expect(c.replyDueAt).toBe(toShanghaiIso(new Date(later)));
    expect(c.replyDueAt).not.toBe(before);
    expect(c.extensionCount).toBe(1);
    expect(c.timeline.find((e) => e.type === 'extension_approved')!.isPublic).toBe(true);
  });

  it('return: out of scope, with its reason shown to the citizen', async () => {
    const filed = await fileCase(t.app, t.db);
    await expectError(await verb(dispatcher, filed.id, 'return', { version: 1, reason: '' }), 400, 'invalid_input');
    const c = await ok(dispatcher, filed.id, 'return', { version: 1, reason: '不属于本站区管辖，请联系市交通委' });
    expect(c).toMatchObject({ status: 'returned', returnReason: '不属于本站区管辖，请联系市交通委' });
    await expectError(await verb(dispatcher, filed.id, 'assign', { version: c.version, leadDepartment: 'enf1' }), 409, 'conflict');
  });

  it('merge: the duplicate points at the master and its reporter is told to follow with their own code', async () => {
    const master = await fileCase(t.app, t.db);
    const dup = await fileCase(t.app, t.db);
    await expectError(await verb(dispatcher, dup.id, 'merge', { version: 1, into: dup.trackingCode }), 409, 'conflict');
    await expectError(await verb(dispatcher, dup.id, 'merge', { version: 1, into: 'ABCDEFGHJK' }), 404, 'not_found');
    const c = await ok(dispatcher, dup.id, 'merge', { version: 1, into: master.trackingCode.toLowerCase() });
    expect(c).toMatchObject({ status: 'merged', mergedInto: master.trackingCode });
    const [told] = await t.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.caseId, dup.id), eq(outbox.template, 'merged')));
    // #18: the master's code is its own reporter's; the merged reporter follows it with their own code and digits.
    expect(told!.payload).toEqual({ trackingCode: dup.trackingCode });
    const masterEvents = await t.db.select().from(caseEvents).where(eq(caseEvents.caseId, master.id));
    expect(masterEvents.map((e) => e.type)).toContain('duplicate_merged');
  });

  it('priority: red needs a named owning leader and shortens the clocks', async () => {
    const filed = await fileCase(t.app, t.db);
    await expectError(await verb(dispatcher, filed.id, 'priority', { version: 1, priority: 'red' }), 400, 'invalid_input');
    const c = await ok(dispatcher, filed.id, 'priority', { version: 1, priority: 'red', owner: '刘主任' });
    expect(c).toMatchObject({ priority: 'red', priorityOwner: '刘主任' });
    expect(new Date(c.ackDueAt).getTime() - new Date(c.receivedAt).getTime()).toBe(15 * 60_000);
    expect(new Date(c.replyDueAt).getTime() - new Date(c.receivedAt).getTime()).toBe(24 * 3600_000);
  });

  it('recategorize keeps what it was in the timeline', async () => {
    const filed = await fileCase(t.app, t.db, { category: 'touting' });
    await expectError(await verb(dispatcher, filed.id, 'recategorize', { version: 1, category: 'nope' }), 400, 'invalid_input');
    const c = await ok(dispatcher, filed.id, 'recategorize', { version: 1, category: 'peddling', kind: 'report' });
    expect(c).toMatchObject({ category: { code: 'peddling' }, kind: 'report' });
    expect(c.timeline.at(-1)).toMatchObject({ type: 'recategorized', isPublic: false, data: { from: 'touting', to: 'peddling' } });
  });

  it('reveals the reporter’s contact only on request, and records the look', async () => {
    const filed = await fileCase(t.app, t.db, { name: '陈先生' });
    const res = await call(t.app, dispatcher, 'POST', `/api/staff/cases/${filed.id}/reveal`);
    expect(res.status).toBe(200);
    expect(Revealed.parse(await res.json())).toEqual({ phone: `+86${filed.body.phone}`, email: null, name: '陈先生' });
    const c = await detail(filed.id);
    expect(c.reporter.name).toBe('陈**');
    expect(c.timeline.at(-1)).toMatchObject({ type: 'contact_revealed', isPublic: false, actor: { id: dispatcher.id } });
  });
});

describe('staff entry from the office’s own channels', () => {
  it('takes a walk-in with the time received, running the deadlines from then', async () => {
    const receivedAt = '2026-02-13T17:00:00+08:00';
    const res = await call(t.app, dispatcher, 'POST', '/api/staff/cases', {
      channel: 'walk_in',
      receivedAt,
      station: 'TJ',
      kind: 'complaint',
      category: 'peddling',
      location: 'exit',
      description: '出站口有人兜售地图和充电宝',
    });
    expect(res.status).toBe(201);
    const entered = EnteredCase.parse(await res.json());
    expect(entered.replyDueAt).toBe('2026-03-06T00:00:00+08:00');
    const c = await detail(entered.id);
    expect(c).toMatchObject({ channel: 'walk_in', reporter: { phone: null } });
    expect(c.timeline[0]).toMatchObject({ type: 'created', actor: { type: 'staff', id: dispatcher.id } });
    const [row] = await t.db.select().from(outbox).where(eq(outbox.caseId, entered.id));
    expect(row).toBeUndefined(); // no contact given, no receipt to send
  });

  it('refuses a future receipt time, a public channel, and handlers', async () => {
    const base = { receivedAt: '2026-03-09T09:00:00+08:00', station: 'TJ', kind: 'help', category: 'signage', description: '找不到地铁入口' };
    await expectError(await call(t.app, dispatcher, 'POST', '/api/staff/cases', { ...base, channel: 'phone' }), 400, 'invalid_input');
    await expectError(await call(t.app, dispatcher, 'POST', '/api/staff/cases', { ...base, channel: 'web', receivedAt: '2026-03-01T09:00:00+08:00' }), 400, 'invalid_input');
    await expectError(await call(t.app, handler, 'POST', '/api/staff/cases', { ...base, channel: 'phone', receivedAt: '2026-03-01T09:00:00+08:00' }), 403, 'forbidden');
  });
});

describe('the queue', () => {
  it('puts red first, then the nearest deadline, pages by cursor, and counts', async () => {
    const station = 'BJN';
    const filed: Array<Awaited<ReturnType<typeof fileCase>>> = [];
    for (let i = 0; i < 5; i++) filed.push(await fileCase(t.app, t.db, { station, location: 'north_square', category: 'sanitation' }));
    await ok(dispatcher, filed[3]!.id, 'priority', { version: 1, priority: 'red', owner: '刘主任' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/staff/cases?station=${station}&category=sanitation&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = QueuePage.parse(await (await call(t.app, dispatcher, 'GET', q)).json());
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    const mine = seen.filter((id) => filed.some((f) => f.id === id));
    expect(mine).toHaveLength(5);
    expect(mine[0]).toBe(filed[3]!.id);
    expect(new Set(seen).size).toBe(seen.length);

    const search = QueuePage.parse(await (await call(t.app, dispatcher, 'GET', `/api/staff/cases?q=${filed[1]!.trackingCode}`)).json());
    expect(search.items.map((i) => i.id)).toEqual([filed[1]!.id]);

    clock.advance(20 * 60_000); // past the red case's 15-minute acknowledge clock, inside everyone else's 2 hours
    const overdue = QueuePage.parse(await (await call(t.app, dispatcher, 'GET', `/api/staff/cases?station=${station}&overdue=true&limit=200`)).json());
    expect(overdue.items.every((i) => i.overdue)).toBe(true);
    expect(overdue.items.map((i) => i.id).filter((id) => filed.some((f) => f.id === id))).toEqual([filed[3]!.id]);
    const soon = QueuePage.parse(await (await call(t.app, dispatcher, 'GET', `/api/staff/cases?station=${station}&dueSoon=true&limit=200`)).json());
    expect(soon.items.map((i) => i.id)).toEqual(expect.arrayContaining([filed[0]!.id, filed[4]!.id]));
    expect(soon.items.map((i) => i.id)).not.toContain(filed[3]!.id);

    const counts = QueueCounts.parse(await (await call(t.app, supervisor, 'GET', '/api/staff/dashboard')).json());
    expect(counts.overdue).toBeGreaterThanOrEqual(1);
    expect(counts.dueSoon).toBeGreaterThanOrEqual(4);
    expect(counts.red).toBeGreaterThanOrEqual(1);
  });

  it('shows a handler only their department’s cases', async () => {
    const mine = await fileCase(t.app, t.db);
    const theirs = await fileCase(t.app, t.db);
    await ok(dispatcher, mine.id, 'assign', { version: 1, leadDepartment: 'enf2' });
    await ok(dispatcher, theirs.id, 'assign', { version: 1, leadDepartment: 'environment' });
    const page = QueuePage.parse(await (await call(t.app, handler, 'GET', '/api/staff/cases?limit=200&status=assigned')).json());
    const ids = page.items.map((i) => i.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
    await expectError(await call(t.app, handler, 'GET', `/api/staff/cases/${theirs.id}`), 403, 'forbidden');
  });

  it('refuses bad filters', async () => {
    await expectError(await call(t.app, dispatcher, 'GET', '/api/staff/cases?status=bogus'), 400, 'invalid_input');
    await expectError(await call(t.app, dispatcher, 'GET', '/api/staff/cases?station=XX'), 400, 'invalid_input');
    await expectError(await call(t.app, dispatcher, 'GET', '/api/staff/cases?cursor=garbage'), 400, 'invalid_input');
    // Well-formed JSON whose values would reach SQL as bad casts, and stray shapes.
    const id = '00000000-0000-4000-8000-000000000000';
    const forged = [
      { r: 1, d: 'not a date', id },
      { r: 1, d: '2026-02-30T00:00:00+08:00x', id },
      { r: 1, d: '2026-12-01T00:00:00.000Z', id: 'not-a-uuid' },
      { r: 1, d: '2026-12-01T00:00:00.000Z', id: "x'; drop table cases; --" },
      { r: 'a', d: '2026-12-01T00:00:00.000Z', id },
      { r: 1e308, d: 'infinity', id },
      null,
      [1, 2, 3],
    ];
    for (const cursor of forged) {
      const encoded = encodeURIComponent(btoa(JSON.stringify(cursor)));
      await expectError(await call(t.app, dispatcher, 'GET', `/api/staff/cases?cursor=${encoded}`), 400, 'invalid_input');
    }
    await expectError(await call(t.app, dispatcher, 'GET', `/api/staff/cases?cursor=${encodeURIComponent('€€€')}`), 400, 'invalid_input');
    // A cursor whose instant JavaScript reads leniently is rewritten, never passed on as typed.
    const lenient = btoa(JSON.stringify({ r: 1, d: '2026-12-01T00:00:00+08:00', id }));
    expect((await call(t.app, dispatcher, 'GET', `/api/staff/cases?cursor=${encodeURIComponent(lenient)}`)).status).toBe(200);
    await expectError(await call(t.app, dispatcher, 'GET', '/api/staff/cases/not-a-uuid'), 400, 'invalid_input');
    await expectError(await call(t.app, dispatcher, 'GET', '/api/staff/cases/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
  });
});

describe('the database guards the timeline', () => {
  it('refuses to change or delete events even inside a transaction', async () => {
    const filed = await fileCase(t.app, t.db);
    await expect(
      t.db.transaction(async (tx) => {
        await tx.delete(caseEvents).where(eq(caseEvents.caseId, filed.id));
      }),
    ).rejects.toBeTruthy();
    const [still] = await t.db.select().from(cases).where(eq(cases.id, filed.id));
    expect(still).toBeTruthy();
    expect(await t.db.select().from(caseEvents).where(eq(caseEvents.caseId, filed.id))).toHaveLength(1);
  });
});
