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
  const count = countOf(rows) + (await queueFollowerReminders(ctx, from, to));
  if (count) ctx.logger.info('survey reminders queued', { count });
  return count;
}

const countOf = (rows: unknown) => (Array.isArray(rows) ? rows.length : ((rows as { rows?: unknown[] }).rows?.length ?? 0));

/**
 * The same reminder for reporters following a main case (cases/merged-reporters.ts):
 * their survey went out on their own merged case about the main case's reply,
 * so the main case (through merged masters too) says whether the reply is 48
 * hours old, and their own case whether they rated its round.
 */
async function queueFollowerReminders(ctx: Ctx, from: string, to: string): Promise<number> {
  const rows = await ctx.db.execute<{ id: number }>(sql`
    WITH RECURSIVE chain (follower, master, hops) AS (
      SELECT d.id, d.master_case_id, 1 FROM cases d
      WHERE d.status = 'merged' AND d.master_case_id IS NOT NULL
        AND EXISTS (SELECT 1 FROM outbox s WHERE s.case_id = d.id AND s.template = 'survey' AND s.status = 'sent' AND s.created_at >= ${from}::timestamptz)
      UNION ALL
      SELECT chain.follower, m.master_case_id, chain.hops + 1 FROM chain JOIN cases m ON m.id = chain.master
      WHERE m.status = 'merged' AND m.master_case_id IS NOT NULL AND chain.hops < 8
    )
    INSERT INTO outbox (channel, recipient, template, lang, payload, case_id, idempotency_key, next_attempt_at)
    SELECT o.channel, o.recipient, 'survey_reminder', o.lang, o.payload, chain.follower,
           'survey_reminder:' || o.channel || ':' || chain.follower || ':master:' || main.reopen_count, ${ctx.clock.now().toISOString()}::timestamptz
    FROM chain
    JOIN cases main ON main.id = chain.master AND main.status IN ('replied', 'closed')
    JOIN outbox o ON o.case_id = chain.follower AND o.template = 'survey' AND o.status = 'sent'
    WHERE main.replied_at BETWEEN ${from}::timestamptz AND ${to}::timestamptz
      AND o.created_at >= main.replied_at
      AND NOT EXISTS (
        SELECT 1 FROM evaluations e WHERE e.case_id = chain.follower AND e.source = 'citizen' AND e.reply_round = main.reopen_count)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id`);
  return countOf(rows);
}
