import { eq, inArray } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Policy } from '../../api/contract/wire/deadlines.ts';
import { toShanghaiIso } from '../../api/domain/deadlines/shanghai-time.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { EnteredCase } from '../../api/routes/staff/schemas.ts';
import { deadlinePolicies } from '../../db/schema.ts';
import { seedReference } from '../../db/seed/index.ts';
import { fixedClock, useTestApp } from '../helpers/app.ts';
import { call, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * Deadline policies as admins edit them (issue #18): a policy that would tie
 * with an active one of the same scope (the older always wins, the newer never
 * applies) is refused with a 409 naming it, on creation, on an edit and on
 * switching one back on; a policy can be edited whole. Policy changes move every
 * later case's clocks: this file has its own database.
 */
const clock = fixedClock('2027-03-01T09:00:00+08:00');
const t = useTestApp({ clock, isolated: true });
let admin: StaffSession;
let dispatcher: StaffSession;

beforeEach(async () => {
  admin = await staffSession(t.app, t.db, 'admin', undefined, clock.now());
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
});

const Policies = z.array(Policy);
async function policies() {
  return Policies.parse(await (await call(t.app, admin, 'GET', '/api/staff/admin/policies')).json());
}

async function create(body: Record<string, unknown>, lang = 'zh-CN') {
  return call(t.app, admin, 'POST', `/api/staff/admin/policies?lang=${lang}`, body);
}

async function refusal(res: Response, status: number) {
  expect(res.status).toBe(status);
  return ErrorEnvelope.parse(await res.json()).error;
}

/** The reply deadline of a case entered now with this kind and category. */
async function replyDue(kind: string, category = 'signage', channel = 'phone') {
  const res = await call(t.app, dispatcher, 'POST', '/api/staff/cases', { channel, receivedAt: clock.now().toISOString(), station: 'TJ', kind, category, description: '标识不清' });
  expect(res.status).toBe(201);
  return toShanghaiIso(new Date(EnteredCase.parse(await res.json()).replyDueAt));
}

describe('a policy that ties with an active one', () => {
  it('is refused with a 409 naming the policy it ties with, in the caller’s language, and nothing is saved', async () => {
    const first = await create({ name: '标识类投诉 3 个工作日', kind: 'complaint', category: 'signage', reply: { amount: 3, unit: 'working_days' } });
    expect(first.status).toBe(201);
    const kept = Policy.parse(await first.json());
    expect(kept.category).toBe('signage');
    const before = await policies();

    const tie = await refusal(await create({ name: '标识类投诉 2 个工作日', kind: 'complaint', category: 'signage', reply: { amount: 2, unit: 'working_days' } }), 409);
    expect(tie.code).toBe('conflict');
    expect(tie.message).toContain('“标识类投诉 3 个工作日”');
    expect(tie.message).toContain('答复');
    expect(tie.details).toMatchObject({ policy: { id: kept.id, name: '标识类投诉 3 个工作日' }, clocks: ['reply'] });
    expect(await policies()).toEqual(before);
    // The policy that exists still decides: 3 working days from Monday 1 March end with Thursday 4 March.
    expect(await replyDue('complaint')).toBe('2027-03-05T00:00:00+08:00');

    const english = await refusal(await create({ name: 'Signage complaints, 2 days', kind: 'complaint', category: 'signage', reply: { amount: 2, unit: 'working_days' } }, 'en'), 409);
    expect(english.message).toContain('The active policy “标识类投诉 3 个工作日”');
    expect(english.message).toContain('reply clock');
  });

  it('is not a tie when the scope differs, when the clocks differ, or when the other is switched off', async () => {
    const base = await create({ name: '求助：标识 4 个工作日', kind: 'help', category: 'signage', reply: { amount: 4, unit: 'working_days' } });
    expect(base.status).toBe(201);
    // Same scope, another clock only: both apply, each to its own clock.
    expect((await create({ name: '求助：标识签收 1 小时', kind: 'help', category: 'signage', ack: { amount: 1, unit: 'hours' } })).status).toBe(201);
    // One field more is a narrower scope: the more specific one wins, no tie.
    expect((await create({ name: '求助：标识（网站）', channel: 'web', kind: 'help', category: 'signage', reply: { amount: 2, unit: 'working_days' } })).status).toBe(201);
    // A switched-off policy ties with nothing; switching it on is refused while the other is on.
    const off = await create({ name: '求助：标识 6 个工作日（备用）', kind: 'help', category: 'signage', reply: { amount: 6, unit: 'working_days' }, active: false });
    expect(off.status).toBe(201);
    const spare = Policy.parse(await off.json());
    const on = await refusal(await call(t.app, admin, 'PATCH', `/api/staff/admin/policies/${spare.id}`, { active: true }), 409);
    expect(on.message).toContain('求助：标识 4 个工作日');
    expect((await policies()).find((p) => p.id === spare.id)?.active).toBe(false);

    // With the first switched off, the spare may be switched on.
    const first = Policy.parse(await base.json());
    expect((await call(t.app, admin, 'PATCH', `/api/staff/admin/policies/${first.id}`, { active: false })).status).toBe(200);
    expect((await call(t.app, admin, 'PATCH', `/api/staff/admin/policies/${spare.id}`, { active: true })).status).toBe(200);
    // 6 working days from Monday 1 March end with Tuesday 9 March.
    expect(await replyDue('help')).toBe('2027-03-10T00:00:00+08:00');
  });

  it('two admins adding the same scope at once: one is saved, the other refused', async () => {
    const body = (name: string) => ({ name, kind: 'suggestion', category: 'signage', reply: { amount: 8, unit: 'working_days' } });
    const results = await Promise.all([create(body('建议甲')), create(body('建议乙'))]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await policies()).filter((p) => p.kind === 'suggestion' && p.category === 'signage' && p.active)).toHaveLength(1);
  });
});

describe('editing a policy', () => {
  it('changes its name, scope and clocks; new cases follow at once', async () => {
    const created = Policy.parse(await (await create({ name: '举报 5 天', kind: 'report', category: 'signage', reply: { amount: 5, unit: 'working_days' } })).json());
    expect(await replyDue('report')).toBe('2027-03-09T00:00:00+08:00');
    const res = await call(t.app, admin, 'PATCH', `/api/staff/admin/policies/${created.id}`, {
      name: '举报 2 个工作日',
      reply: { amount: 2, unit: 'working_days' },
      ack: { amount: 0.5, unit: 'hours' },
      source: '办公室决定',
    });
    expect(res.status).toBe(200);
    const edited = Policy.parse(await res.json());
    expect(edited).toMatchObject({ id: created.id, name: '举报 2 个工作日', replyAmount: 2, ackAmount: 0.5, ackUnit: 'hours', source: '办公室决定', active: true });
    expect(await replyDue('report')).toBe('2027-03-04T00:00:00+08:00');
  });

  it('refuses an edit into a tie, or one that leaves no clock, and changes nothing', async () => {
    const a = Policy.parse(await (await create({ name: '咨询：标识', kind: 'consult', category: 'signage', reply: { amount: 1, unit: 'working_days' } })).json());
    const b = Policy.parse(await (await create({ name: '咨询：标识（网站）', channel: 'web', kind: 'consult', category: 'signage', reply: { amount: 4, unit: 'hours' } })).json());
    // Dropping the channel would give b a's scope.
    const tie = await refusal(await call(t.app, admin, 'PATCH', `/api/staff/admin/policies/${b.id}`, { channel: null }), 409);
    expect(tie.message).toContain('咨询：标识');
    expect(tie.details).toMatchObject({ policy: { id: a.id } });
    const empty = await refusal(await call(t.app, admin, 'PATCH', `/api/staff/admin/policies/${b.id}`, { reply: null }), 400);
    expect(empty.code).toBe('invalid_input');
    expect((await policies()).find((p) => p.id === b.id)).toMatchObject({ channel: 'web', replyAmount: 4, replyUnit: 'hours' });
    // Editing a policy in place is no tie with itself.
    expect((await call(t.app, admin, 'PATCH', `/api/staff/admin/policies/${a.id}`, { name: '咨询：标识（改）' })).status).toBe(200);
  });
});

describe('the default policies’ names', () => {
  it('are Chinese; a row still under its first English name that no admin touched is renamed when the seed runs, an edited one is left', async () => {
    expect((await policies()).map((p) => p.name)).toEqual(expect.arrayContaining(['基础：签收和首次联系', '投诉', '红色（领导包案）']));
    // As a database seeded before the rename holds them (switched off here so that no clock changes).
    const [untouched] = await t.db.insert(deadlinePolicies).values({ name: 'Complaint', kind: 'complaint', replyAmount: 10, replyUnit: 'working_days', active: false }).returning();
    const [edited] = await t.db
      .insert(deadlinePolicies)
      .values({
        name: 'Red (领导包案)',
        priority: 'red',
        replyAmount: 24,
        replyUnit: 'hours',
        active: false,
        createdAt: new Date('2026-01-01T00:00:00Z'),
        updatedAt: new Date('2026-02-01T00:00:00Z'),
      })
      .returning();
    await seedReference(t.db);
    const rows = await t.db
      .select()
      .from(deadlinePolicies)
      .where(inArray(deadlinePolicies.id, [untouched!.id, edited!.id]));
    expect(Object.fromEntries(rows.map((r) => [r.id, r.name]))).toEqual({ [untouched!.id]: '投诉', [edited!.id]: 'Red (领导包案)' });
    // No second set of defaults: the table was not empty.
    expect(await t.db.select().from(deadlinePolicies).where(eq(deadlinePolicies.name, '咨询'))).toHaveLength(1);
  });
});
