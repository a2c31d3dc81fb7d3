import { inArray, sql } from 'drizzle-orm';
import { cases, type outbox, smsOptOuts } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';

type Row = typeof outbox.$inferSelect;

const SURVEY_TEMPLATES = new Set(['survey', 'survey_reminder']);

/**
 * Why a claimed row must not go out, read once per batch: a number that sent
 * STOP, or a survey (or its reminder) for a case the citizen has already rated
 * for this reply, on the web or by SMS, or whose reply was reopened since the
 * survey was queued — asking again would be noise, and the answer could not be
 * recorded anyway.
 */
export async function suppressionReasons(ctx: Ctx, rows: Row[]): Promise<Map<number, string>> {
  const reasons = new Map<number, string>();
  const smsRecipients = [...new Set(rows.filter((r) => r.channel === 'sms').map((r) => r.recipient))];
  const optedOut = new Set(
    smsRecipients.length ? (await ctx.db.select({ phone: smsOptOuts.phone }).from(smsOptOuts).where(inArray(smsOptOuts.phone, smsRecipients))).map((o) => o.phone) : [],
  );
  const surveyCaseIds = [...new Set(rows.filter((r) => SURVEY_TEMPLATES.has(r.template) && r.caseId).map((r) => r.caseId!))];
  const surveyed = new Map(
    surveyCaseIds.length
      ? (
          await ctx.db
            .select({
              id: cases.id,
              status: cases.status,
              rated: sql<boolean>`exists (select 1 from evaluations e where e.case_id = cases.id and e.source = 'citizen' and e.reply_round = cases.reopen_count)`,
            })
            .from(cases)
            .where(inArray(cases.id, surveyCaseIds))
        ).map((c) => [c.id, c] as const)
      : [],
  );
  for (const row of rows) {
    if (row.channel === 'sms' && optedOut.has(row.recipient)) {
      reasons.set(row.id, 'recipient opted out (STOP)');
      continue;
    }
    const c = row.caseId && SURVEY_TEMPLATES.has(row.template) ? surveyed.get(row.caseId) : undefined;
    if (!c) continue;
    if (c.rated) reasons.set(row.id, 'survey not sent: the case was already rated for this reply');
    else if (c.status !== 'replied' && c.status !== 'closed') reasons.set(row.id, `survey not sent: the case is ${c.status} again`);
  }
  return reasons;
}
