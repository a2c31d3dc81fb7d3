import { and, eq } from 'drizzle-orm';
import twilio from 'twilio';
import { beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../api/domain/deadlines/shanghai-time.ts';
import { CaseDetail } from '../../api/routes/staff/schemas.ts';
import { cases, evaluations, outbox, smsInbound, smsOptOuts } from '../../db/schema.ts';
import { fixedClock, uniquePhone, useTestApp } from '../helpers/app.ts';
import { call, fileCase, type StaffSession, staffSession } from '../helpers/staff.ts';

const TOKEN = 'sms-webhook-test-token';
const BASE = 'https://hotline.example.cn';
const clock = fixedClock('2026-05-20T10:00:00+08:00');
const t = useTestApp({ clock, env: { TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_BASE_URL: BASE } });
let dispatcher: StaffSession;
let handler: StaffSession;
let sidSeq = 0;

beforeAll(async () => {
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  handler = await staffSession(t.app, t.db, 'handler', 'enf1', clock.now());
});

/** An inbound SMS as Twilio posts it, signed by the official twilio package. */
async function sms(from: string, body: string, options: { sid?: string; signature?: string | null } = {}) {
  const params = {
    MessageSid: options.sid ?? `SM${Date.now()}${sidSeq++}${Math.random().toString(36).slice(2, 8)}`,
    AccountSid: 'AC123',
    From: from,
    To: '+15005550006',
    Body: body,
    NumMedia: '0',
  };
  const signature = options.signature === undefined ? twilio.getExpectedTwilioSignature(TOKEN, `${BASE}/webhooks/twilio/sms`, params) : options.signature;
  const res = await t.app.request('/webhooks/twilio/sms', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-twilio-signature': signature } : {}) },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  const reply = /<Message>([\s\S]*)<\/Message>/
    .exec(text)?.[1]
    ?.replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return { res, text, reply: reply ?? '', sid: params.MessageSid };
}

const phone = () => `+86${uniquePhone()}`;

describe('POST /webhooks/twilio/sms', () => {
  it('refuses a missing or wrong signature with 403 and stores nothing', async () => {
    const from = phone();
    for (const signature of [null, 'bm90IGEgc2lnbmF0dXJl', twilio.getExpectedTwilioSignature('other-token', `${BASE}/webhooks/twilio/sms`, { Body: 'x' })]) {
      const { res, sid } = await sms(from, '出站口有人拉客', { signature });
      expect(res.status).toBe(403);
      expect(await t.db.select().from(smsInbound).where(eq(smsInbound.messageSid, sid))).toHaveLength(0);
    }
    expect(await t.db.select().from(cases).where(eq(cases.reporterPhone, from))).toHaveLength(0);
  });

  it('files anything else as a new complaint and answers with its code, in TwiML', async () => {
    const from = phone();
    const { res, text, reply } = await sms(from, '南广场出租车拒载，司机态度恶劣');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/xml/);
    expect(text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Message>/);
    expect(reply).toMatch(/^已受理，查询码[A-Z2-9]{5}-[A-Z2-9]{5}/);
    expect(reply.length).toBeLessThanOrEqual(70);
    const [row] = await t.db.select().from(cases).where(eq(cases.reporterPhone, from));
    expect(row).toMatchObject({ channel: 'sms', description: '南广场出租车拒载，司机态度恶劣', lang: 'zh-CN', status: 'new' });
    expect(reply.replace('-', '')).toContain(row!.trackingCode);
  });

  it('handles the same MessageSid once', async () => {
    const from = phone();
    const first = await sms(from, '地铁换乘通道的指示牌坏了');
    const again = await sms(from, '地铁换乘通道的指示牌坏了', { sid: first.sid });
    expect(again.reply).toBe(first.reply);
    expect(await t.db.select().from(cases).where(eq(cases.reporterPhone, from))).toHaveLength(1);
  });

  it('answers in English to an English message', async () => {
    const from = phone();
    const { reply } = await sms(from, 'A man at the exit keeps pushing taxi rides');
    expect(reply).toMatch(/^Received\. Code [A-Z2-9]{5}-[A-Z2-9]{5}, reply by 20/);
    const [row] = await t.db.select().from(cases).where(eq(cases.reporterPhone, from));
    expect(row!.lang).toBe('en');
  });

  it('status: the reply text to the number that filed, only the state to anyone else', async () => {
    const filed = await fileCase(t.app, t.db);
    const own = `+86${filed.body.phone}`;
    let v = CaseDetail.parse(await (await call(t.app, dispatcher, 'POST', `/api/staff/cases/${filed.id}/assign`, { version: 1, leadDepartment: 'enf1' })).json()).version;
    v = CaseDetail.parse(await (await call(t.app, handler, 'POST', `/api/staff/cases/${filed.id}/acknowledge`, { version: v })).json()).version;
    await call(t.app, handler, 'POST', `/api/staff/cases/${filed.id}/reply`, { version: v, text: '已对拉客人员批评教育' });

    for (const words of [`查询 ${filed.trackingCode}`, `CX${filed.trackingCode.toLowerCase()}`, filed.trackingCode]) {
      const mine = await sms(own, words);
      expect(mine.reply).toContain('已答复');
      expect(mine.reply).toContain('已对拉客人员批评教育');
    }
    const stranger = await sms(phone(), `查询 ${filed.trackingCode}`);
    expect(stranger.reply).toContain('已答复');
    expect(stranger.reply).not.toContain('批评教育');
    const english = await sms(phone(), `STATUS ${filed.trackingCode}`);
    expect(english.reply).toMatch(/: Replied\.$/);
    expect((await sms(own, '查询 ABCDEFGHJK')).reply).toBe('未找到该查询码，请核对后重试。');
  });

  it('STOP, START and HELP are honoured and remembered', async () => {
    const from = phone();
    expect((await sms(from, 'STOP')).reply).toMatch(/unsubscribed/);
    expect(await t.db.select().from(smsOptOuts).where(eq(smsOptOuts.phone, from))).toHaveLength(1);
    expect((await sms(from, '退订')).reply).toMatch(/已退订/);
    expect((await sms(from, 'START')).reply).toBe('Messages resumed.');
    expect(await t.db.select().from(smsOptOuts).where(eq(smsOptOuts.phone, from))).toHaveLength(0);
    expect((await sms(from, 'TD')).reply).toMatch(/已退订/);
    expect((await sms(from, '帮助')).reply).toMatch(/查询\+查询码/);
    expect((await sms(from, 'HELP')).reply).toMatch(/STATUS/);
    expect(await t.db.select().from(cases).where(eq(cases.reporterPhone, from))).toHaveLength(0);
  });

  it('a digit after a survey records the rating; a dissatisfied one flags the case', async () => {
    const filed = await fileCase(t.app, t.db);
    const own = `+86${filed.body.phone}`;
    expect((await sms(own, '1')).reply).toMatch(/没有待评价的答复/);
    let v = CaseDetail.parse(await (await call(t.app, dispatcher, 'POST', `/api/staff/cases/${filed.id}/assign`, { version: 1, leadDepartment: 'enf1' })).json()).version;
    v = CaseDetail.parse(await (await call(t.app, handler, 'POST', `/api/staff/cases/${filed.id}/acknowledge`, { version: v })).json()).version;
    await call(t.app, handler, 'POST', `/api/staff/cases/${filed.id}/reply`, { version: v, text: '已处理' });
    // The survey has gone out (the delivery job marks it sent).
    await t.db
      .update(outbox)
      .set({ status: 'sent' })
      .where(and(eq(outbox.caseId, filed.id), eq(outbox.template, 'survey')));

    // The answer says what happens next: the office's review, by the date on the case's public timeline (#18).
    const answered = (await sms(own, '3')).reply;
    expect(answered).toMatch(/^感谢评价，已记录。办公室将在\d{4}-\d{2}-\d{2}前复核这件投诉的办理情况。$/);
    const [rating] = await t.db.select().from(evaluations).where(eq(evaluations.caseId, filed.id));
    // An SMS rating says only how satisfied the citizen is: resolution is unknown, not guessed.
    expect(rating).toMatchObject({ source: 'citizen', satisfaction: 'dissatisfied', resolved: null });
    const c = CaseDetail.parse(await (await call(t.app, dispatcher, 'GET', `/api/staff/cases/${filed.id}`)).json());
    expect(c.flaggedAt).not.toBeNull();
    expect(c.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['evaluated', 'dissatisfied']));
    const reviewDueAt = String(c.timeline.find((e) => e.type === 'dissatisfied')!.data.reviewDueAt);
    expect(answered).toContain(`${shanghaiDate(new Date(reviewDueAt))}前复核`);
    // Rated once per reply: a second digit finds nothing to rate.
    expect((await sms(own, '1')).reply).toMatch(/没有待评价的答复/);
  });
});

describe('POST /webhooks/twilio/status', () => {
  it('records delivery on the outbox row, signed like the rest', async () => {
    const filed = await fileCase(t.app, t.db);
    const [row] = await t.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.caseId, filed.id), eq(outbox.channel, 'sms')));
    await t.db
      .update(outbox)
      .set({ status: 'sent', providerMessageId: `SMstatus${row!.id}` })
      .where(eq(outbox.id, row!.id));
    const params = { MessageSid: `SMstatus${row!.id}`, MessageStatus: 'delivered', AccountSid: 'AC123' };
    const post = (signature: string) =>
      t.app.request('/webhooks/twilio/status', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(params).toString(),
      });
    expect((await post('forged')).status).toBe(403);
    expect((await post(twilio.getExpectedTwilioSignature(TOKEN, `${BASE}/webhooks/twilio/status`, params))).status).toBe(204);
    const [after] = await t.db.select().from(outbox).where(eq(outbox.id, row!.id));
    expect(after).toMatchObject({ deliveryStatus: 'delivered', status: 'sent' });
    expect(after!.deliveredAt).not.toBeNull();
  });
});
