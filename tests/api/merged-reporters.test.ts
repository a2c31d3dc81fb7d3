import { and, eq } from 'drizzle-orm';
import twilio from 'twilio';
import { beforeAll, describe, expect, it } from 'vitest';
import { queueSurveyReminders } from '../../api/domain/messages/survey-reminders.ts';
import { foldStats } from '../../api/domain/stats/fold.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { EvaluationRecorded, PublicCase } from '../../api/routes/public/schemas.ts';
import { CaseDetail } from '../../api/routes/staff/schemas.ts';
import { cases, evaluations, outbox } from '../../db/schema.ts';
import { fixedClock, jobContext, useTestApp } from '../helpers/app.ts';
import { json } from '../helpers/factories.ts';
import { call, fileCase, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * A merged reporter follows the main case (#18): with their own code and
 * digits they read its status, timeline and reply (never its code or its
 * reporter's own steps), by SMS too; they get its reply and survey on their own
 * phone and email, also through a chain of merges and after a redo; their rating
 * is recorded on their own (merged) case, so the published figures count the
 * case once; a dissatisfied rating says what happens next, and the main case's
 * public timeline shows it.
 */
const TOKEN = 'merged-reporters-test-token';
const BASE = 'https://hotline.example.cn';
// A Wednesday: three working days later is Monday 25 May, ending at 24:00.
const clock = fixedClock('2026-05-20T10:00:00+08:00');
const t = useTestApp({ clock, env: { TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_BASE_URL: BASE } });

let dispatcher: StaffSession;
let handler: StaffSession;
let emailSeq = 0;

beforeAll(async () => {
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  handler = await staffSession(t.app, t.db, 'handler', 'enf1', clock.now());
});

type Filed = Awaited<ReturnType<typeof fileCase>> & { phone4: string };

async function file(app = t.app, db = t.db): Promise<Filed> {
  const filed = await fileCase(app, db, { email: `follower-${process.pid}-${emailSeq++}@example.com` });
  return { ...filed, phone4: filed.body.phone.slice(-4) };
}

async function verb(as: StaffSession, id: string, name: string, body: Record<string, unknown>, app = t.app) {
  const detail = CaseDetail.parse(await (await call(app, as, 'GET', `/api/staff/cases/${id}`)).json());
  const res = await call(app, as, 'POST', `/api/staff/cases/${id}/${name}`, { version: detail.version, ...body });
  expect(res.status, `${name}: ${await res.clone().text()}`).toBe(200);
  return CaseDetail.parse(await res.json());
}

async function replied(c: Filed, text: string, sessions = { dispatcher, handler }, app = t.app) {
  await verb(sessions.dispatcher, c.id, 'assign', { leadDepartment: 'enf1' }, app);
  await verb(sessions.handler, c.id, 'acknowledge', {}, app);
  return verb(sessions.handler, c.id, 'reply', { text }, app);
}

const merge = (dup: Filed, into: Filed, as = dispatcher, app = t.app) => verb(as, dup.id, 'merge', { into: into.trackingCode }, app);

async function lookup(code: string, phone4: string, app = t.app) {
  return app.request(`/api/cases/${code}?phone4=${phone4}`);
}
async function view(code: string, phone4: string, app = t.app) {
  const res = await lookup(code, phone4, app);
  expect(res.status, await res.clone().text()).toBe(200);
  return PublicCase.parse(await res.json());
}
const rate = (c: Filed, satisfaction: string, app = t.app) =>
  app.request(`/api/cases/${c.trackingCode}/evaluation`, json({ phone4: c.phone4, satisfaction, resolved: satisfaction !== 'dissatisfied' }));

async function messagesOf(caseId: string, template: string) {
  return t.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.caseId, caseId), eq(outbox.template, template)))
    .orderBy(outbox.id);
}

describe('a merged reporter follows the main case', () => {
  it('opens the main case’s status, deadline, reply and timeline with their own code and digits, and nothing of its reporter', async () => {
    const main = await file();
    const dup = await file();
    await merge(dup, main);

    const waiting = await view(dup.trackingCode, dup.phone4);
    const mainRow = (await t.db.select().from(cases).where(eq(cases.id, main.id)))[0]!;
    expect(waiting).toMatchObject({ trackingCode: dup.trackingCode, status: mainRow.status, reply: null, canEvaluate: false });
    expect(waiting.merged?.at).toBe('2026-05-20T10:00:00+08:00');
    expect(new Date(waiting.replyDueAt).getTime()).toBe(mainRow.replyDueAt.getTime());
    // The main case's code is its reporter's: the follower never reads it.
    expect(JSON.stringify(waiting)).not.toContain(main.trackingCode);
    // Own code with the main reporter's digits, and the main code with the follower's digits: the same not-found.
    for (const [code, digits] of [
      [dup.trackingCode, main.phone4],
      [main.trackingCode, dup.phone4],
    ] as const) {
      const res = await lookup(code, digits);
      expect(res.status).toBe(404);
      expect(ErrorEnvelope.parse(await res.json()).error.code).toBe('not_found');
    }

    await verb(dispatcher, main.id, 'assign', { leadDepartment: 'enf1' });
    await verb(handler, main.id, 'acknowledge', {});
    await verb(handler, main.id, 'contact', { method: 'phone' });
    await verb(handler, main.id, 'reply', { text: '已在出站口加强巡查，拉客人员已劝离。' });
    const answered = await view(dup.trackingCode, dup.phone4);
    expect(answered).toMatchObject({ status: 'replied', reply: { text: '已在出站口加强巡查，拉客人员已劝离。' }, canEvaluate: true });
    const types = answered.timeline.map((e) => e.type);
    // Their own filing and merge, then the main case's handling; not the main reporter's filing or contact.
    expect(types.filter((ty) => ty === 'created')).toHaveLength(1);
    expect(types).toEqual(expect.arrayContaining(['created', 'merged', 'assigned', 'acknowledged', 'replied']));
    expect(types).not.toContain('contacted');
    expect(answered.timeline.find((e) => e.type === 'merged')!.mergedInto).toBeUndefined();
    expect(JSON.stringify(answered)).not.toContain(main.trackingCode);
    // The main reporter's own page is as it was: no trace of the follower.
    const own = await view(main.trackingCode, main.phone4);
    expect(own.merged).toBeUndefined();
    expect(own.trackingCode).toBe(main.trackingCode);
  });

  it('gets the main case’s reply and survey on their own phone and email, under their own code', async () => {
    const main = await file();
    const dup = await file();
    await merge(dup, main);
    const [told] = await messagesOf(dup.id, 'merged');
    expect(told!.payload).toEqual({ trackingCode: dup.trackingCode });
    const before = clock.now();
    await replied(main, '已处理完毕');
    const replies = await messagesOf(dup.id, 'reply');
    expect(replies.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    for (const m of replies) {
      expect(m.payload).toEqual({ trackingCode: dup.trackingCode, text: '已处理完毕' });
      expect(m.recipient).toEqual(m.channel === 'sms' ? expect.stringContaining(dup.body.phone.slice(-8)) : dup.body.email);
    }
    const surveys = await messagesOf(dup.id, 'survey');
    expect(surveys.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    // An hour after the reply, as the main reporter's survey.
    for (const s of surveys) expect(s.nextAttemptAt.getTime()).toBe(before.getTime() + 3600_000);
    expect((await messagesOf(main.id, 'survey')).map((m) => m.nextAttemptAt.getTime())).toEqual(surveys.map(() => before.getTime() + 3600_000));
  });

  it('follows through a chain of merges, hears an answered master at once, and hears the redo’s reply too', async () => {
    const top = await file();
    const middle = await file();
    const first = await file();
    await merge(first, middle); // first → middle, while middle is open
    await replied(top, '第一次答复');
    await merge(middle, top); // middle (with its follower) → top, already answered
    for (const c of [middle, first]) {
      expect((await messagesOf(c.id, 'reply')).map((m) => m.payload)).toContainEqual({ trackingCode: c.trackingCode, text: '第一次答复' });
      expect(await messagesOf(c.id, 'survey')).toHaveLength(2);
      expect(await view(c.trackingCode, c.phone4)).toMatchObject({ status: 'replied', reply: { text: '第一次答复' }, canEvaluate: true });
    }
    // The follower rates the first reply; the main case is reopened and answered again.
    expect((await rate(first, 'basic')).status).toBe(201);
    expect((await view(first.trackingCode, first.phone4)).canEvaluate).toBe(false);
    await verb(dispatcher, top.id, 'reopen', { reason: '再次核查' });
    const redo = await view(first.trackingCode, first.phone4);
    expect(redo).toMatchObject({ status: 'in_progress', reply: null, canEvaluate: false });
    expect(redo.timeline.at(-1)).toMatchObject({ type: 'reopened', reason: '再次核查' });
    await verb(handler, top.id, 'reply', { text: '第二次答复' });
    for (const c of [middle, first]) {
      expect((await messagesOf(c.id, 'reply')).filter((m) => m.channel === 'sms').map((m) => (m.payload as { text: string }).text)).toEqual(['第一次答复', '第二次答复']);
      expect(await messagesOf(c.id, 'survey')).toHaveLength(4);
    }
    // A new reply, a new rating: recorded for the main case's second round.
    expect((await view(first.trackingCode, first.phone4)).canEvaluate).toBe(true);
    expect((await rate(first, 'satisfied')).status).toBe(201);
    const rounds = await t.db.select().from(evaluations).where(eq(evaluations.caseId, first.id));
    expect(rounds.map((r) => r.replyRound).sort()).toEqual([0, 1]);
  });
});

describe('a merged reporter rates the main case’s reply', () => {
  it('records the rating on their own case once per reply, leaving the main case’s rating to its reporter', async () => {
    const main = await file();
    const dup = await file();
    await merge(dup, main);
    expect((await rate(dup, 'satisfied')).status).toBe(409);
    await replied(main, '已处理');
    const res = await rate(dup, 'satisfied');
    expect(res.status).toBe(201);
    expect(EvaluationRecorded.parse(await res.json())).toMatchObject({ trackingCode: dup.trackingCode, satisfaction: 'satisfied', next: null });
    expect(await t.db.select().from(evaluations).where(eq(evaluations.caseId, dup.id))).toMatchObject([{ source: 'citizen', replyRound: 0, satisfaction: 'satisfied' }]);
    expect(await t.db.select().from(evaluations).where(eq(evaluations.caseId, main.id))).toHaveLength(0);
    expect((await rate(dup, 'basic')).status).toBe(409);
    // The main reporter still rates their own reply, and neither sees the other's rating.
    expect((await view(main.trackingCode, main.phone4)).canEvaluate).toBe(true);
    expect((await rate(main, 'basic')).status).toBe(201);
    const mainView = await view(main.trackingCode, main.phone4);
    expect(mainView.timeline.filter((e) => e.type === 'evaluated').map((e) => e.satisfaction)).toEqual(['basic']);
    const dupView = await view(dup.trackingCode, dup.phone4);
    expect(dupView.timeline.filter((e) => e.type === 'evaluated').map((e) => e.satisfaction)).toEqual(['satisfied']);
    // Wrong digits: not found, nothing recorded.
    const wrong = String((Number(dup.phone4) + 1) % 10_000).padStart(4, '0');
    expect((await t.app.request(`/api/cases/${dup.trackingCode}/evaluation`, json({ phone4: wrong, satisfaction: 'basic', resolved: true }))).status).toBe(404);
  });

  it('dissatisfied: flags the main case for review within three working days, said in the answer and on both timelines', async () => {
    const main = await file();
    const dup = await file();
    await merge(dup, main);
    await replied(main, '已处理');
    const res = await rate(dup, 'dissatisfied');
    expect(res.status).toBe(201);
    const recorded = EvaluationRecorded.parse(await res.json());
    expect(recorded.next).toEqual({ action: 'flag', reviewDueAt: '2026-05-26T00:00:00+08:00' });
    const staffView = CaseDetail.parse(await (await call(t.app, dispatcher, 'GET', `/api/staff/cases/${main.id}`)).json());
    expect(staffView.flaggedAt).not.toBeNull();
    // Who rated stays internal; the public sees the review and its date.
    expect(staffView.timeline.at(-1)).toMatchObject({ type: 'dissatisfied', data: { source: 'citizen', duplicate: dup.trackingCode } });
    for (const [code, digits] of [
      [dup.trackingCode, dup.phone4],
      [main.trackingCode, main.phone4],
    ] as const) {
      const seen = await view(code, digits);
      const flagged = seen.timeline.at(-1)!;
      expect(flagged).toEqual({ type: 'dissatisfied', at: '2026-05-20T10:00:00+08:00', reviewDueAt: expect.any(String) });
      expect(new Date(flagged.reviewDueAt!).getTime()).toBe(new Date('2026-05-26T00:00:00+08:00').getTime());
      expect(JSON.stringify(seen)).not.toContain(code === main.trackingCode ? dup.trackingCode : main.trackingCode);
    }
  });
});

/** An inbound SMS as Twilio posts it, signed by the official twilio package. */
let sidSeq = 0;
async function sms(from: string, body: string) {
  const params = { MessageSid: `SMmerged${process.pid}${sidSeq++}`, AccountSid: 'AC123', From: from, To: '+15005550006', Body: body, NumMedia: '0' };
  const signature = twilio.getExpectedTwilioSignature(TOKEN, `${BASE}/webhooks/twilio/sms`, params);
  const res = await t.app.request('/webhooks/twilio/sms', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  expect(res.status).toBe(200);
  return (/<Message>([\s\S]*)<\/Message>/.exec(await res.text())?.[1] ?? '').replace(/&amp;/g, '&');
}

describe('a merged reporter by SMS', () => {
  it('asks for their own code and hears the main case’s state and reply; another number hears the state only', async () => {
    const main = await file();
    const dup = await file();
    await merge(dup, main);
    const open = await sms(`+86${dup.body.phone}`, `查询 ${dup.trackingCode}`);
    expect(open).toMatch(/已与同一问题的投诉合并办理，已受理，待分派。/);
    expect(open).toMatch(/前答复。$/);
    await replied(main, '已处理完毕，谢谢监督');
    const own = await sms(`+86${dup.body.phone}`, `查询 ${dup.trackingCode}`);
    expect(own).toContain('已与同一问题的投诉合并办理，已答复。答复：已处理完毕，谢谢监督');
    expect(own).not.toContain(main.trackingCode);
    const english = await sms(`+86${dup.body.phone}`, `STATUS ${dup.trackingCode}`);
    expect(english).toContain(': handled together with an earlier report of the same problem. Replied. Reply: 已处理完毕');
    const other = await sms(`+86${main.body.phone}`, `查询 ${dup.trackingCode}`);
    expect(other).toContain('已与同一问题的投诉合并办理，已答复。');
    expect(other).not.toContain('已处理完毕');
  });

  it('rates the main case’s reply with a digit after its survey, and hears what happens next', async () => {
    const main = await file();
    const dup = await file();
    await merge(dup, main);
    await replied(main, '已处理');
    // The follower's survey has gone out (the delivery job marks it sent).
    await t.db
      .update(outbox)
      .set({ status: 'sent' })
      .where(and(eq(outbox.caseId, dup.id), eq(outbox.template, 'survey')));
    expect(await sms(`+86${dup.body.phone}`, '3')).toBe('感谢评价，已记录。办公室将在2026-05-26前复核这件投诉的办理情况。');
    expect(await t.db.select().from(evaluations).where(eq(evaluations.caseId, dup.id))).toMatchObject([{ satisfaction: 'dissatisfied', resolved: null, replyRound: 0 }]);
    expect(await t.db.select().from(evaluations).where(eq(evaluations.caseId, main.id))).toHaveLength(0);
    // Rated once per reply: a second digit finds nothing to rate.
    expect(await sms(`+86${dup.body.phone}`, '1')).toMatch(/没有待评价的答复/);
  });
});

describe('a merged reporter who has not rated', () => {
  it('gets the one survey reminder 48 hours after the main case’s reply, as its own reporter does', async () => {
    const start = clock.now();
    const main = await file();
    const dup = await file();
    await merge(dup, main);
    await replied(main, '已处理');
    await t.db
      .update(outbox)
      .set({ status: 'sent' })
      .where(and(eq(outbox.template, 'survey'), eq(outbox.caseId, dup.id)));
    try {
      clock.advance(47 * 3600_000);
      await queueSurveyReminders(jobContext(t, clock));
      expect(await messagesOf(dup.id, 'survey_reminder')).toHaveLength(0);
      clock.advance(2 * 3600_000);
      await queueSurveyReminders(jobContext(t, clock));
      await queueSurveyReminders(jobContext(t, clock));
      const reminders = await messagesOf(dup.id, 'survey_reminder');
      expect(reminders.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
      for (const m of reminders) expect(m.payload).toEqual({ trackingCode: dup.trackingCode });
    } finally {
      clock.set(start);
    }
    // Rated: no reminder for the next follower who rated before the 48 hours.
    const rated = await file();
    const main2 = await file();
    await merge(rated, main2);
    await replied(main2, '已处理');
    await t.db
      .update(outbox)
      .set({ status: 'sent' })
      .where(and(eq(outbox.template, 'survey'), eq(outbox.caseId, rated.id)));
    expect((await rate(rated, 'satisfied')).status).toBe(201);
    try {
      clock.advance(49 * 3600_000);
      await queueSurveyReminders(jobContext(t, clock));
      expect(await messagesOf(rated.id, 'survey_reminder')).toHaveLength(0);
    } finally {
      clock.set(start);
    }
  });
});

describe('DISSATISFIED_ACTION=reopen', () => {
  const r = useTestApp({ clock, env: { DISSATISFIED_ACTION: 'reopen' } });

  it('a dissatisfied follower reopens the main case; both see the redo and its new deadline', async () => {
    const sessions = { dispatcher: await staffSession(r.app, r.db, 'dispatcher', undefined, clock.now()), handler: await staffSession(r.app, r.db, 'handler', 'enf1', clock.now()) };
    const main = await file(r.app, r.db);
    const dup = await file(r.app, r.db);
    await merge(dup, main, sessions.dispatcher, r.app);
    await replied(main, '已处理', sessions, r.app);
    const res = await rate(dup, 'dissatisfied', r.app);
    expect(res.status).toBe(201);
    const recorded = EvaluationRecorded.parse(await res.json());
    const [row] = await r.db.select().from(cases).where(eq(cases.id, main.id));
    expect(row).toMatchObject({ status: 'in_progress', reopenCount: 1 });
    expect(recorded.next).toEqual({ action: 'reopen', replyDueAt: expect.any(String) });
    expect(new Date((recorded.next as { replyDueAt: string }).replyDueAt).getTime()).toBe(row!.replyDueAt.getTime());
    for (const [code, digits] of [
      [dup.trackingCode, dup.phone4],
      [main.trackingCode, main.phone4],
    ] as const) {
      const seen = await view(code, digits, r.app);
      expect(seen).toMatchObject({ status: 'in_progress', reply: null, canEvaluate: false });
      const reopened = seen.timeline.at(-1)!;
      expect(reopened).toMatchObject({ type: 'reopened', reason: 'dissatisfied' });
      expect(new Date(reopened.newDueAt!).getTime()).toBe(row!.replyDueAt.getTime());
    }
  });
});

describe('the published figures count a merged case once', () => {
  const s = useTestApp({ clock, isolated: true });

  it('keeps a follower’s rating out: one case received, one rating (its own reporter’s)', async () => {
    const sessions = { dispatcher: await staffSession(s.app, s.db, 'dispatcher', undefined, clock.now()), handler: await staffSession(s.app, s.db, 'handler', 'enf1', clock.now()) };
    const main = await file(s.app, s.db);
    const dup = await file(s.app, s.db);
    await merge(dup, main, sessions.dispatcher, s.app);
    await replied(main, '已处理', sessions, s.app);
    expect((await rate(main, 'satisfied', s.app)).status).toBe(201);
    expect((await rate(dup, 'dissatisfied', s.app)).status).toBe(201);
    await foldStats(jobContext(s, clock));
    const res = await s.app.request('/api/stats?period=2026-05');
    expect(res.status).toBe(200);
    const { totals } = (await res.json()) as { totals: { received: number; evaluated: number; satisfied: number } };
    expect(totals).toMatchObject({ received: 1, evaluated: 1, satisfied: 1 });
  });
});
