import { sql } from 'drizzle-orm';
import type { Ctx } from '../../context.ts';

/** A citizen who has not rated a reply after this long gets one reminder, never more. */
export const REMINDER_AFTER_HOURS = 48;
/** Replies older than this are not chased any more. */
const GIVE_UP_AFTER_DAYS = 7;

/**
 * Writes the one survey reminder per reply: for every replied case whose
 * survey went out, that has no citizen rating for its current reply, and whose
 * reply is 48 hours old. The idempotency key (case and reply round) makes a
 * second reminder impossible, however often this runs.
 */
export async function queueSurveyReminders(ctx: Ctx): Promise<number> {
  const now = ctx.clock.now();
  const from = new Date(now.getTime() - GIVE_UP_AFTER_DAYS * 86_400_000).toISOString();
  const to = new Date(now.getTime() - REMINDER_AFTER_HOURS * 3600_000).toISOString();
  const rows = await ctx.db.execute<{ id: number }>(sql`
    INSERT INTO outbox (channel, recipient, template, lang, payload, case_id, idempotency_key, next_attempt_at)
    SELECT o.channel, o.recipient, 'survey_reminder', o.lang, o.payload, c.id,
           'survey_reminder:' || o.channel || ':' || c.id || ':' || c.reopen_count, ${now.toISOString()}::timestamptz
    FROM cases c
    JOIN outbox o ON o.case_id = c.id AND o.template = 'survey' AND o.status = 'sent'
    WHERE c.status IN ('replied', 'closed')
      AND c.replied_at BETWEEN ${from}::timestamptz AND ${to}::timestamptz
      AND o.created_at >= c.replied_at
      AND NOT EXISTS (
        SELECT 1 FROM evaluations e WHERE e.case_id = c.id AND e.source = 'citizen' AND e.reply_round = c.reopen_count)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id`);
  const count = Array.isArray(rows) ? rows.length : ((rows as { rows?: unknown[] }).rows?.length ?? 0);
  if (count) ctx.logger.info('survey reminders queued', { count });
  return count;
}
