import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { foldStats } from '../../api/domain/stats/fold.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { CreatedCase, OpenCount, PublicCase } from '../../api/routes/public/schemas.ts';
import { CaseDetail, DuplicateCandidates } from '../../api/routes/staff/schemas.ts';
import { caseEvents, cases, outbox } from '../../db/schema.ts';
import { fixedClock, jobContext, useTestApp } from '../helpers/app.ts';
import { json, makeCaseBody } from '../helpers/factories.ts';
import { call, fileCase, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * Duplicates (#17): a case's likely duplicates for triage, ranked by how alike
 * they read on Chinese text, within what the caller may see; merged in one
 * action through the merge verb. A database of its own: the ranking looks at
 * every open case of a station, and other files file theirs at the same ones.
 */
const clock = fixedClock('2026-05-20T10:00:00+08:00');
const t = useTestApp({ clock, isolated: true });

let dispatcher: StaffSession;
let enf2: StaffSession;
let general: StaffSession;

beforeAll(async () => {
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  enf2 = await staffSession(t.app, t.db, 'handler', 'enf2', clock.now());
  general = await staffSession(t.app, t.db, 'handler', 'general', clock.now());
});

type Filed = Awaited<ReturnType<typeof fileCase>>;
const file = (description: string, over: Record<string, string> = {}) => fileCase(t.app, t.db, { station: 'TJN', category: 'illegal_taxi', location: 'exit', description, ...over });

async function candidates(as: StaffSession, c: Pick<Filed, 'id'>) {
  const res = await call(t.app, as, 'GET', `/api/staff/cases/${c.id}/candidates`);
  expect(res.status, await res.clone().text()).toBe(200);
  return DuplicateCandidates.parse(await res.json());
}

async function verb(as: StaffSession, id: string, name: string, body: Record<string, unknown>) {
  const detail = CaseDetail.parse(await (await call(t.app, as, 'GET', `/api/staff/cases/${id}`)).json());
  const res = await call(t.app, as, 'POST', `/api/staff/cases/${id}/${name}`, { version: detail.version, ...body });
  expect(res.status, `${name}: ${await res.clone().text()}`).toBe(200);
  return CaseDetail.parse(await res.json());
}

describe('candidate duplicates in triage', () => {
  it('ranks open cases of the station by how alike they read: paraphrase and plate first, the unrelated last, other stations and old or closed cases never', async () => {
    clock.set('2026-05-01T09:00:00+08:00');
    const old = await file('出站口有人拉客，说坐他的车去市区只要五十块');
    clock.set('2026-05-18T09:00:00+08:00');
    const paraphrase = await file('出站口那边有拉客的人，说五十块送到市区', { location: 'parking' });
    const plate = await file('出站口拉客的就是津A·12345那辆车');
    const unrelated = await file('出站口旁边的厕所很脏，没有人打扫', { category: 'other' });
    const otherStation = await file('出站口有人拉客，说坐他的车去市区只要五十块', { station: 'TJ' });
    const returned = await file('出站口有人拉客，说坐他的车去市区五十块');
    await verb(dispatcher, returned.id, 'return', { reason: '重复提交' });
    clock.set('2026-05-20T10:00:00+08:00');
    const target = await file('车牌津A12345的司机在出站口拉客，说坐他的车去市区只要五十块');

    const found = await candidates(dispatcher, target);
    expect(found.windowDays).toBe(14);
    const codes = found.items.map((i) => i.trackingCode);
    expect(codes).toEqual([plate.trackingCode, paraphrase.trackingCode, unrelated.trackingCode]);
    for (const absent of [old, otherStation, returned, target]) expect(codes).not.toContain(absent.trackingCode);
    const [first, second, third] = found.items;
    expect(first).toMatchObject({ status: 'new', samePlace: true, receivedAt: '2026-05-18T09:00:00+08:00', location: { code: 'exit' } });
    expect(first!.excerpt).toBe('出站口拉客的就是津A·12345那辆车');
    expect(second!.samePlace).toBe(false);
    expect(first!.score).toBeGreaterThan(second!.score);
    expect(second!.score).toBeGreaterThan(third!.score + 0.2);
  });

  it('shows at most five, with an excerpt of long descriptions', async () => {
    clock.set('2026-05-20T11:00:00+08:00');
    const long = `北广场二号电梯停运三天了，${'老人和带孩子的旅客只能走楼梯，'.repeat(10)}`;
    for (let i = 0; i < 6; i++) await file(`${long}${i}`, { station: 'BJN', category: 'other', location: 'north_square' });
    const target = await file(long, { station: 'BJN', category: 'other', location: 'north_square' });
    const found = await candidates(dispatcher, target);
    expect(found.items).toHaveLength(5);
    for (const item of found.items) {
      expect(Array.from(item.excerpt)).toHaveLength(81);
      expect(item.excerpt.endsWith('…')).toBe(true);
    }
  });

  it('a handler sees the candidates of their own department’s cases, and only those of their department', async () => {
    clock.set('2026-05-20T12:00:00+08:00');
    const mine = await file('南站出站口有黑车拉客，开价一百');
    const theirs = await file('南站出站口有黑车拉客，开价一百二');
    const target = await file('南站出站口有黑车拉客，开价一百块');
    for (const c of [mine, target]) await verb(dispatcher, c.id, 'assign', { leadDepartment: 'enf2' });
    await verb(dispatcher, theirs.id, 'assign', { leadDepartment: 'general' });

    const codes = (await candidates(enf2, target)).items.map((i) => i.trackingCode);
    expect(codes).toContain(mine.trackingCode);
    expect(codes).not.toContain(theirs.trackingCode);
    expect((await candidates(dispatcher, target)).items.map((i) => i.trackingCode)).toContain(theirs.trackingCode);

    // Another department's case: the same refusal as its detail.
    const res = await call(t.app, general, 'GET', `/api/staff/cases/${target.id}/candidates`);
    expect(res.status).toBe(403);
    expect(ErrorEnvelope.parse(await res.json()).error.code).toBe('forbidden');
  });

  it('leaves out cases with nothing but the station in common', async () => {
    clock.set('2026-05-20T14:00:00+08:00');
    // At Tianjin Station only the first test's taxi report is open: same category and place as the target, other words.
    const elsewhere = await file('候车室空调太冷', { station: 'TJ', category: 'other', location: 'parking' });
    const target = await file('出口处的共享单车乱停乱放', { station: 'TJ' });
    const items = (await candidates(dispatcher, target)).items;
    expect(items.map((i) => i.trackingCode)).not.toContain(elsewhere.trackingCode);
    expect(items).toHaveLength(1);
    expect(items[0]!.score).toBeGreaterThanOrEqual(0.15);
  });

  it('needs a session, a case id, and a case that exists', async () => {
    const target = await file('进站口排队太长');
    expect((await t.app.request(`/api/staff/cases/${target.id}/candidates`)).status).toBe(401);
    expect((await call(t.app, dispatcher, 'GET', '/api/staff/cases/not-a-uuid/candidates')).status).toBe(400);
    const missing = await call(t.app, dispatcher, 'GET', '/api/staff/cases/00000000-0000-4000-8000-000000000000/candidates');
    expect(missing.status).toBe(404);
  });

  it('merges a candidate in one action: the candidate’s code goes to the merge verb', async () => {
    clock.set('2026-05-20T13:00:00+08:00');
    const main = await file('出站口的栏杆断了，容易划伤旅客', { category: 'other' });
    const dup = await file('出站口栏杆断了，会划伤人', { category: 'other' });
    const [best] = (await candidates(dispatcher, dup)).items;
    expect(best!.trackingCode).toBe(main.trackingCode);
    const merged = await verb(dispatcher, dup.id, 'merge', { into: best!.trackingCode });
    expect(merged.status).toBe('merged');
    // A merged case is no one's candidate any more.
    const after = (await candidates(dispatcher, main)).items.map((i) => i.trackingCode);
    expect(after).not.toContain(dup.trackingCode);
  });
});

/** A report filed through the public API, as a supporter ("I have the same problem") when `join` is set. */
async function report(over: Record<string, string>, lang?: string) {
  const body = makeCaseBody({ station: 'TJN', category: 'touting', location: 'rear_square', ...over });
  const res = await t.app.request('/api/cases', json(body, lang ? { 'accept-language': lang } : {}));
  return { res, body };
}
async function supporter(over: Record<string, string> = {}) {
  const { res, body } = await report({ join: 'same', ...over });
  expect(res.status, await res.clone().text()).toBe(201);
  const created = CreatedCase.parse(await res.json());
  const [row] = await t.db.select().from(cases).where(eq(cases.trackingCode, created.trackingCode));
  return { created, row: row!, body, phone4: body.phone.slice(-4) };
}
const fieldsOf = (error: { details?: unknown }) => ((error.details as { fields?: { field: string }[] } | undefined)?.fields ?? []).map((f) => f.field);
async function openCount(query: string) {
  return t.app.request(`/api/public/open-count?${query}`);
}

describe('joining an open case as a supporter while filing', () => {
  // Each test moves the clock weeks on: a session of its own day.
  const signInNow = async () => {
    dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  };
  it('counts the open cases of a kind at a place by status, and nothing else', async () => {
    clock.set('2026-06-10T09:00:00+08:00');
    await signInNow();
    const where = 'station=TJN&location=metro_transfer&category=signage';
    const empty = OpenCount.parse(await (await openCount(where)).json());
    expect(empty).toEqual({ total: 0, byStatus: { new: 0, assigned: 0, in_progress: 0, replied: 0 } });
    const words = '地铁换乘通道里我的黑色双肩包丢了，里面有身份证';
    const first = await file(words, { category: 'signage', location: 'metro_transfer' });
    await file('换乘通道捡到的钱包交给谁', { category: 'signage', location: 'metro_transfer' });
    const closedOne = await file('换乘通道丢了雨伞', { category: 'signage', location: 'metro_transfer' });
    await verb(dispatcher, closedOne.id, 'return', { reason: '非本站职责' });
    await verb(dispatcher, first.id, 'assign', { leadDepartment: 'general' });
    const res = await openCount(where);
    expect(res.status).toBe(200);
    const raw = await res.text();
    expect(OpenCount.parse(JSON.parse(raw))).toEqual({ total: 2, byStatus: { new: 1, assigned: 1, in_progress: 0, replied: 0 } });
    // Counts only: no code, no words, no phone.
    expect(Object.keys(JSON.parse(raw))).toEqual(['total', 'byStatus']);
    for (const secret of [first.trackingCode, '双肩包', first.body.phone.slice(-4)]) expect(raw).not.toContain(secret);
  });

  it('refuses unknown codes, naming each field, in the caller’s language', async () => {
    const res = await openCount('station=TJN&location=nowhere&category=nothing');
    expect(res.status).toBe(400);
    const { error } = ErrorEnvelope.parse(await res.json());
    expect(fieldsOf(error).sort()).toEqual(['category', 'location']);
    const en = await t.app.request('/api/public/open-count?station=XX&location=a&category=touting', { headers: { 'accept-language': 'en' } });
    expect(en.status).toBe(400);
    expect(JSON.stringify(await en.json())).toContain('Unknown station');
    expect((await openCount('station=TJN')).status).toBe(400);
  });

  it('files the supporter’s own case and has it follow the oldest open case there: own code and digits show the main case, whose reply reaches them', async () => {
    clock.set('2026-06-11T09:00:00+08:00');
    const oldest = await file('后广场有人拉客，一直跟着旅客走', { category: 'touting', location: 'rear_square' });
    clock.set('2026-06-11T10:00:00+08:00');
    await file('后广场又有人拉客揽客', { category: 'touting', location: 'rear_square' });
    clock.set('2026-06-11T11:00:00+08:00');
    await signInNow();
    const s = await supporter({ email: 'supporter@example.com' });
    expect(s.created).toMatchObject({ status: 'merged', joined: true });
    expect(s.created.trackingCode).not.toBe(oldest.trackingCode);
    expect(s.row).toMatchObject({ status: 'merged', masterCaseId: oldest.id, reporterEmail: 'supporter@example.com', channel: 'web' });
    // The merge's own trail: the main case records its follower (followersOf reads it).
    const events = await t.db
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, oldest.id), eq(caseEvents.type, 'duplicate_merged')));
    expect(events.map((e) => e.data)).toEqual([{ duplicate: s.created.trackingCode, supporter: true }]);
    expect(events[0]!.actorType).toBe('citizen');
    // Their own receipt, then word that they follow an earlier report.
    const told = await t.db.select().from(outbox).where(eq(outbox.caseId, s.row.id));
    expect(told.map((m) => `${m.template}:${m.channel}`).sort()).toEqual(['merged:email', 'merged:sms', 'receipt:email', 'receipt:sms']);

    const seen = PublicCase.parse(await (await t.app.request(`/api/cases/${s.created.trackingCode}?phone4=${s.phone4}`)).json());
    expect(seen).toMatchObject({ trackingCode: s.created.trackingCode, status: 'new', reply: null });
    expect(JSON.stringify(seen)).not.toContain(oldest.trackingCode);

    const handler = await staffSession(t.app, t.db, 'handler', 'enf1', clock.now());
    await verb(dispatcher, oldest.id, 'assign', { leadDepartment: 'enf1' });
    await verb(handler, oldest.id, 'acknowledge', {});
    await verb(handler, oldest.id, 'reply', { text: '已在后广场加强巡查。' });
    const replies = await t.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.caseId, s.row.id), eq(outbox.template, 'reply')));
    expect(replies.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    for (const m of replies) expect(m.payload).toEqual({ trackingCode: s.created.trackingCode, text: '已在后广场加强巡查。' });
    const surveys = await t.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.caseId, s.row.id), eq(outbox.template, 'survey')));
    expect(surveys).toHaveLength(2);
    const answered = PublicCase.parse(await (await t.app.request(`/api/cases/${s.created.trackingCode}?phone4=${s.phone4}`)).json());
    expect(answered).toMatchObject({ status: 'replied', reply: { text: '已在后广场加强巡查。' }, canEvaluate: true });
  });

  it('files the report on its own when no such case is open, and needs a place to look', async () => {
    clock.set('2026-06-12T09:00:00+08:00');
    const alone = await supporter({ station: 'BJN', location: 'south_square', category: 'signage' });
    expect(alone.created).toMatchObject({ status: 'new', joined: false });
    expect(alone.row).toMatchObject({ status: 'new', masterCaseId: null });

    const { res } = await report({ join: 'same', location: '' }, 'en');
    expect(res.status).toBe(400);
    const { error } = ErrorEnvelope.parse(await res.json());
    expect(fieldsOf(error)).toEqual(['location']);
    expect(JSON.stringify(error)).toContain('Choose a location');
  });

  it('counts the problem once in the published figures: the supporter’s rating stays out', async () => {
    clock.set('2026-07-06T09:00:00+08:00');
    await signInNow();
    const main = await file('后广场出站口的指示牌被撞坏了', { category: 'other', location: 'rear_square' });
    const s = await supporter({ category: 'other' });
    expect(s.row.masterCaseId).toBe(main.id);
    const handler = await staffSession(t.app, t.db, 'handler', 'general', clock.now());
    await verb(dispatcher, main.id, 'assign', { leadDepartment: 'general' });
    await verb(handler, main.id, 'acknowledge', {});
    await verb(handler, main.id, 'reply', { text: '指示牌已修复。' });
    const rate = (code: string, phone4: string, satisfaction: string) =>
      t.app.request(`/api/cases/${code}/evaluation`, json({ phone4, satisfaction, resolved: satisfaction !== 'dissatisfied' }));
    expect((await rate(main.trackingCode, main.body.phone.slice(-4), 'satisfied')).status).toBe(201);
    expect((await rate(s.created.trackingCode, s.phone4, 'dissatisfied')).status).toBe(201);
    await foldStats(jobContext(t, clock));
    const res = await t.app.request('/api/stats?period=2026-07');
    expect(res.status).toBe(200);
    const { totals } = (await res.json()) as { totals: { received: number; evaluated: number; satisfied: number } };
    expect(totals).toMatchObject({ received: 1, evaluated: 1, satisfied: 1 });
  });
});

describe('the open-case counts are rate-limited like the status lookup', () => {
  const limited = useTestApp({ env: { LOOKUP_RATE_LIMIT: '3' } });

  it('stops a client after its share', async () => {
    // An address of this run's own: the budget is kept in the database, which a rerun on PostgreSQL keeps.
    const client = { 'x-test-client': `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}` };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await limited.app.request('/api/public/open-count?station=TJ&location=exit&category=touting', { headers: client })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });
});
