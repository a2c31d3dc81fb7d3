import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { CaseDetail, DuplicateCandidates } from '../../api/routes/staff/schemas.ts';
import { fixedClock, useTestApp } from '../helpers/app.ts';
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
