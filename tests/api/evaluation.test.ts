import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { EvaluationRecorded, PublicCase } from '../../api/routes/public/schemas.ts';
import { CaseDetail } from '../../api/routes/staff/schemas.ts';
import { evaluations } from '../../db/schema.ts';
import { useTestApp } from '../helpers/app.ts';
import { json } from '../helpers/factories.ts';
import { call, fileCase, type StaffSession, staffSession } from '../helpers/staff.ts';

const t = useTestApp();
let dispatcher: StaffSession;
let handler: StaffSession;

beforeAll(async () => {
  dispatcher = await staffSession(t.app, t.db, 'dispatcher');
  handler = await staffSession(t.app, t.db, 'handler', 'enf1');
});

async function repliedCase() {
  const filed = await fileCase(t.app, t.db);
  let version = 1;
  for (const [as, verb, body] of [
    [dispatcher, 'assign', { leadDepartment: 'enf1' }],
    [handler, 'acknowledge', {}],
    [handler, 'reply', { text: '已处理完毕' }],
  ] as const) {
    const res = await call(t.app, as, 'POST', `/api/staff/cases/${filed.id}/${verb}`, { version, ...body });
    version = CaseDetail.parse(await res.json()).version;
  }
  return { ...filed, version, phone4: filed.body.phone.slice(-4) };
}

const rate = (code: string, body: Record<string, unknown>) => t.app.request(`/api/cases/${code}/evaluation`, json(body));

describe('POST /api/cases/{trackingCode}/evaluation', () => {
  it('records one rating per reply, shown on the public timeline without the comment', async () => {
    const c = await repliedCase();
    const before = PublicCase.parse(await (await t.app.request(`/api/cases/${c.trackingCode}?phone4=${c.phone4}`)).json());
    expect(before.canEvaluate).toBe(true);
    const res = await rate(c.trackingCode, { phone4: c.phone4, satisfaction: 'basic', resolved: true, comment: '处理及时但态度一般' });
    expect(res.status).toBe(201);
    expect(EvaluationRecorded.parse(await res.json())).toMatchObject({ satisfaction: 'basic', resolved: true });
    const [row] = await t.db
      .select()
      .from(evaluations)
      .where(and(eq(evaluations.caseId, c.id), eq(evaluations.source, 'citizen')));
    expect(row).toMatchObject({ satisfaction: 'basic', resolved: 'yes', replyRound: 0, comment: '处理及时但态度一般' });

    const again = await rate(c.trackingCode, { phone4: c.phone4, satisfaction: 'satisfied', resolved: true });
    expect(again.status).toBe(409);
    const after = PublicCase.parse(await (await t.app.request(`/api/cases/${c.trackingCode}?phone4=${c.phone4}`)).json());
    expect(after.canEvaluate).toBe(false);
    expect(after.timeline.at(-1)).toMatchObject({ type: 'evaluated', satisfaction: 'basic', resolved: 'yes' });
    expect(JSON.stringify(after)).not.toContain('态度一般');
  });

  it('allows a new rating after a reopened case is replied again', async () => {
    const c = await repliedCase();
    expect((await rate(c.trackingCode, { phone4: c.phone4, satisfaction: 'dissatisfied', resolved: false })).status).toBe(201);
    // A dissatisfied rating flags the case (the default DISSATISFIED_ACTION): one more version.
    const flagged = CaseDetail.parse(await (await call(t.app, dispatcher, 'GET', `/api/staff/cases/${c.id}`)).json());
    expect(flagged.flaggedAt).not.toBeNull();
    expect(flagged.version).toBe(c.version + 1);
    let res = await call(t.app, dispatcher, 'POST', `/api/staff/cases/${c.id}/reopen`, { version: flagged.version, reason: '不满意' });
    let version = CaseDetail.parse(await res.json()).version;
    res = await call(t.app, handler, 'POST', `/api/staff/cases/${c.id}/reply`, { version, text: '再次处理' });
    version = CaseDetail.parse(await res.json()).version;
    expect((await rate(c.trackingCode, { phone4: c.phone4, satisfaction: 'satisfied', resolved: true })).status).toBe(201);
    expect(await t.db.select().from(evaluations).where(eq(evaluations.caseId, c.id))).toHaveLength(2);
    // Reopening cleared the flag.
    const after = CaseDetail.parse(await (await call(t.app, dispatcher, 'GET', `/api/staff/cases/${c.id}`)).json());
    expect(after.flaggedAt).toBeNull();
  });

  it('refuses before a reply, with wrong digits, and bad input', async () => {
    const fresh = await fileCase(t.app, t.db);
    const phone4 = fresh.body.phone.slice(-4);
    const early = await rate(fresh.trackingCode, { phone4, satisfaction: 'satisfied', resolved: true });
    expect(early.status).toBe(409);
    expect(ErrorEnvelope.parse(await early.json()).error.message).toBe('案件尚未答复，暂不能评价');
    const c = await repliedCase();
    const wrong = String((Number(c.phone4) + 1) % 10000).padStart(4, '0');
    expect((await rate(c.trackingCode, { phone4: wrong, satisfaction: 'satisfied', resolved: true })).status).toBe(404);
    expect((await rate('ABCDEFGHJK', { phone4: c.phone4, satisfaction: 'satisfied', resolved: true })).status).toBe(404);
    for (const body of [
      {},
      { phone4: c.phone4, satisfaction: 'great', resolved: true },
      { phone4: c.phone4, satisfaction: 'basic', resolved: 'yes' },
      { phone4: c.phone4, satisfaction: 'basic', resolved: true, comment: 'x'.repeat(501) },
    ]) {
      expect((await rate(c.trackingCode, body)).status).toBe(400);
    }
    expect(await t.db.select().from(evaluations).where(eq(evaluations.caseId, c.id))).toHaveLength(0);
  });
});

describe('DISSATISFIED_ACTION=reopen', () => {
  const r = useTestApp({ env: { DISSATISFIED_ACTION: 'reopen' } });

  it('reopens the case at once with a fresh reply clock', async () => {
    const d = await staffSession(r.app, r.db, 'dispatcher');
    const h = await staffSession(r.app, r.db, 'handler', 'enf1');
    const filed = await fileCase(r.app, r.db);
    let version = 1;
    for (const [as, verb, body] of [
      [d, 'assign', { leadDepartment: 'enf1' }],
      [h, 'acknowledge', {}],
      [h, 'reply', { text: '已处理' }],
    ] as const) {
      version = CaseDetail.parse(await (await call(r.app, as, 'POST', `/api/staff/cases/${filed.id}/${verb}`, { version, ...body })).json()).version;
    }
    const res = await r.app.request(`/api/cases/${filed.trackingCode}/evaluation`, json({ phone4: filed.body.phone.slice(-4), satisfaction: 'dissatisfied', resolved: false }));
    expect(res.status).toBe(201);
    const c = CaseDetail.parse(await (await call(r.app, d, 'GET', `/api/staff/cases/${filed.id}`)).json());
    expect(c).toMatchObject({ status: 'in_progress', reopenCount: 1, flaggedAt: null, repliedAt: null });
    expect(c.timeline.at(-1)).toMatchObject({ type: 'reopened', actor: { type: 'citizen' }, data: { reason: 'dissatisfied' } });
  });
});
