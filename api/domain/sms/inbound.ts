import { and, desc, eq, getTableColumns, inArray } from 'drizzle-orm';
import { cases, evaluations, outbox, smsInbound, smsOptOuts } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import type { Lang } from '../../contract/lang.ts';
import { formatTrackingCode } from '../../contract/tracking-code.ts';
import { createCase } from '../cases/create.ts';
import { evaluateCase } from '../cases/evaluate.ts';
import { mainCaseOf } from '../cases/merged-reporters.ts';
import { shanghaiDate } from '../deadlines/shanghai-time.ts';
import { renderSms } from '../messages/templates.ts';
import { dissatisfiedNextSms, isBareCode, parseSms, SMS_TEXT, smsLang, statusWord } from './words.ts';

export interface InboundSms {
  messageSid: string;
  from: string;
  body: string;
}

/**
 * Answers one inbound SMS and returns the reply text. The same MessageSid
 * twice (Twilio retries a webhook that timed out) gets the stored reply and
 * changes nothing again.
 */
export async function handleInboundSms({ ctx, input }: { ctx: Ctx; input: InboundSms }): Promise<string> {
  const [seen] = await ctx.db.select().from(smsInbound).where(eq(smsInbound.messageSid, input.messageSid));
  if (seen) return seen.reply;
  try {
    return await withTransaction(ctx, async (tx) => {
      const { reply, command, caseId } = await answer(tx, input);
      await tx.db.insert(smsInbound).values({ messageSid: input.messageSid, fromPhone: input.from, body: input.body, receivedAt: tx.clock.now(), command, caseId, reply });
      return reply;
    });
  } catch (err) {
    // Two deliveries of one message at once: the other one's answer stands.
    const [other] = await ctx.db.select().from(smsInbound).where(eq(smsInbound.messageSid, input.messageSid));
    if (other) return other.reply;
    throw err;
  }
}

async function answer(ctx: Ctx, input: InboundSms): Promise<{ reply: string; command: string; caseId: string | null }> {
  const command = parseSms(input.body);
  const lang = smsLang(input.body);
  switch (command.kind) {
    case 'stop':
      await ctx.db.insert(smsOptOuts).values({ phone: input.from, optedOutAt: ctx.clock.now() }).onConflictDoNothing();
      return { reply: SMS_TEXT.stop[lang], command: 'stop', caseId: null };
    case 'start':
      await ctx.db.delete(smsOptOuts).where(eq(smsOptOuts.phone, input.from));
      return { reply: SMS_TEXT.start[lang], command: 'start', caseId: null };
    case 'help':
      return { reply: SMS_TEXT.help[lang], command: 'help', caseId: null };
    case 'status':
      return status(ctx, input.from, command.code, isBareCode(input.body) ? undefined : lang);
    case 'rating':
      return rate(ctx, input.from, command.digit);
    case 'complaint': {
      const created = await createCase({
        ctx,
        input: {
          station: ctx.config.smsDefaultStation,
          kind: 'complaint',
          category: 'other',
          description: command.text.slice(0, 2000),
          phone: input.from,
          lang,
          channel: 'sms',
          actor: { type: 'citizen' },
        },
      });
      // The TwiML answer is the receipt: createCase queues no receipt SMS for the sms channel.
      const reply = renderSms('receipt', lang, { trackingCode: created.trackingCode, replyDueAt: created.replyDueAt.toISOString() }, ctx.config.publicBaseUrl)
        .replace(/^【站区热线】/, '')
        .replace(/^Station Hotline: /, '');
      return { reply, command: 'complaint', caseId: created.id };
    }
  }
}

/**
 * The state to anyone with the code; the reply text only to the number that
 * filed the case. A report merged into another answers with the main case's
 * state and reply (merged-reporters.ts), saying it is handled with it.
 */
async function status(ctx: Ctx, from: string, code: string, asked: Lang | undefined) {
  const [row] = await ctx.db.select().from(cases).where(eq(cases.trackingCode, code));
  const lang = asked ?? (row?.lang === 'en' ? 'en' : 'zh-CN');
  if (!row) return { reply: SMS_TEXT.notFound[lang], command: 'status', caseId: null };
  const main = (await mainCaseOf(ctx, row)) ?? row;
  const state = statusWord(main.status, lang);
  const own = row.reporterPhone === from;
  let reply = lang === 'en' ? `${formatTrackingCode(code)}: ` : `${formatTrackingCode(code)}：`;
  if (main !== row) reply += SMS_TEXT.followsMain[lang];
  reply += lang === 'en' ? `${state}.` : `${state}。`;
  if (own && main.replyText && main.repliedAt) reply += lang === 'en' ? ` Reply: ${main.replyText}` : `答复：${main.replyText}`;
  else if (own && ['new', 'assigned', 'in_progress'].includes(main.status)) {
    reply += lang === 'en' ? ` Due ${shanghaiDate(main.replyDueAt)}.` : `${shanghaiDate(main.replyDueAt)}前答复。`;
  }
  return { reply, command: 'status', caseId: row.id };
}

/**
 * 1/2/3 after a survey: the latest case of this number that was sent a survey
 * and has not been rated for its current reply. SMS asks only about
 * satisfaction, so resolution is recorded as unknown (it stays out of 解决率).
 */
async function rate(ctx: Ctx, from: string, digit: 1 | 2 | 3) {
  // A merged report was surveyed on its own case about its main case's reply (merged-reporters.ts).
  const surveyed = await ctx.db
    .select(getTableColumns(cases))
    .from(cases)
    .innerJoin(outbox, and(eq(outbox.caseId, cases.id), eq(outbox.channel, 'sms'), inArray(outbox.template, ['survey', 'survey_reminder'])))
    .where(and(eq(cases.reporterPhone, from), inArray(cases.status, ['replied', 'closed', 'merged'])))
    .orderBy(desc(outbox.createdAt))
    .limit(10);
  const tried = new Set<string>();
  for (const c of surveyed) {
    if (tried.has(c.id)) continue;
    tried.add(c.id);
    const answered = (await mainCaseOf(ctx, c)) ?? c;
    if (answered.status !== 'replied' && answered.status !== 'closed') continue;
    const [done] = await ctx.db
      .select({ id: evaluations.id })
      .from(evaluations)
      .where(and(eq(evaluations.caseId, c.id), eq(evaluations.source, 'citizen'), eq(evaluations.replyRound, answered.reopenCount)));
    if (done) continue;
    const satisfaction = digit === 1 ? 'satisfied' : digit === 2 ? 'basic' : 'dissatisfied';
    const { next } = await evaluateCase({ ctx, input: { trackingCode: c.trackingCode, phone4: c.reporterPhone4 ?? '', satisfaction, resolved: null, via: 'sms' } });
    const lang = c.lang === 'en' ? 'en' : 'zh-CN';
    return { reply: next ? dissatisfiedNextSms(next, lang) : SMS_TEXT.rated[lang], command: 'rating', caseId: c.id };
  }
  // A bare digit carries no language; the office's own comes first.
  return { reply: SMS_TEXT.noSurvey['zh-CN'], command: 'rating', caseId: null };
}
