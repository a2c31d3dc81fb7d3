import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/statement.ts';
import type { Ctx } from '../../context.ts';
import { type CaseRow, nextDue } from '../cases/transition.ts';
import type { Reference } from '../reference.ts';
import { firstAlertAt } from './clocks.ts';
import { type RecomputeReason, recomputeDeadlines, recomputedEvent } from './recompute.ts';

/*
 * After a calendar change, the open cases whose unmet deadlines end on or after
 * the first changed day are recomputed (deadlines/recompute.ts: the same rules
 * as a change of kind or colour). Bounded work: the cases are read in batches
 * by id, computed here, and written back with one UPDATE … FROM (VALUES …) and
 * one multi-row INSERT of timeline events per batch, all in the caller's
 * transaction. Like the sweep's bookkeeping, this does not bump the case
 * version: nobody's open form is made stale by the calendar.
 */
const BATCH = 500;

type Candidate = {
  id: string;
  channel: string;
  kind: string;
  category_id: number;
  priority: string;
  status: CaseRow['status'];
  received_at: string | Date;
  reply_started_at: string | Date | null;
  ack_due_at: string | Date;
  contact_due_at: string | Date;
  reply_due_at: string | Date;
  acknowledged_at: string | Date | null;
  contacted_at: string | Date | null;
  replied_at: string | Date | null;
  extension_count: number;
  platform_ack: boolean | string;
};

const date = (v: string | Date) => (v instanceof Date ? v : new Date(v));
const maybe = (v: string | Date | null) => (v === null ? null : date(v));

/** Returns how many cases had a deadline moved. */
export async function recomputeOpenCases(
  ctx: Ctx,
  { ref, from, staffId, reason, extra = {} }: { ref: Reference; from: Date; staffId: string; reason: RecomputeReason; extra?: Record<string, unknown> },
): Promise<number> {
  const now = ctx.clock.now();
  const after = from.toISOString();
  let cursor = '00000000-0000-0000-0000-000000000000';
  let moved = 0;
  for (;;) {
    const batch = rowsOf<Candidate>(
      await ctx.db.execute(sql`
        SELECT c.id, c.channel, c.kind, c.category_id, c.priority, c.status, c.received_at, c.reply_started_at,
               c.ack_due_at, c.contact_due_at, c.reply_due_at, c.acknowledged_at, c.contacted_at, c.replied_at, c.extension_count,
               (c.channel = '12345' AND coalesce((SELECT fo.snapshot->>'ackDueAt' IS NOT NULL FROM feed_orders fo WHERE fo.order_no = c.external_ref), false)) AS platform_ack
        FROM cases c
        WHERE c.status IN ('new', 'assigned', 'in_progress') AND c.id > ${cursor}::uuid
          AND ((c.acknowledged_at IS NULL AND c.ack_due_at > ${after}::timestamptz)
            OR (c.contacted_at IS NULL AND c.contact_due_at > ${after}::timestamptz)
            OR (c.replied_at IS NULL AND c.reply_due_at > ${after}::timestamptz))
        ORDER BY c.id
        LIMIT ${BATCH}
        FOR UPDATE OF c`),
    );
    if (batch.length === 0) break;
    cursor = batch[batch.length - 1]!.id;

    const updates: ReturnType<typeof sql>[] = [];
    const events: ReturnType<typeof sql>[] = [];
    for (const r of batch) {
      const c = {
        status: r.status,
        channel: r.channel,
        kind: r.kind,
        categoryId: Number(r.category_id),
        priority: r.priority,
        receivedAt: date(r.received_at),
        replyStartedAt: maybe(r.reply_started_at),
        ackDueAt: date(r.ack_due_at),
        contactDueAt: date(r.contact_due_at),
        replyDueAt: date(r.reply_due_at),
        acknowledgedAt: maybe(r.acknowledged_at),
        contactedAt: maybe(r.contacted_at),
        repliedAt: maybe(r.replied_at),
        extensionCount: Number(r.extension_count),
      };
      const { deadlines, changes } = recomputeDeadlines(ref, ctx.config, c, r.platform_ack === true || r.platform_ack === 't');
      if (Object.keys(changes).length === 0) continue;
      const merged = { ...c, ...deadlines };
      const due = nextDue(merged);
      const alertAt = firstAlertAt(merged);
      updates.push(
        sql`(${r.id}::uuid, ${deadlines.ackDueAt.toISOString()}::timestamptz, ${deadlines.contactDueAt.toISOString()}::timestamptz, ${deadlines.replyDueAt.toISOString()}::timestamptz, ${due?.toISOString() ?? null}::timestamptz, ${alertAt?.toISOString() ?? null}::timestamptz)`,
      );
      const event = recomputedEvent(reason, changes, extra);
      events.push(sql`(${r.id}::uuid, ${event.type}, ${now.toISOString()}::timestamptz, 'staff', ${staffId}, false, ${JSON.stringify(event.data)}::jsonb)`);
    }
    if (updates.length) {
      // The sweeper looks at the case no later than before (an earlier look only finds nothing to do).
      await ctx.db.execute(sql`
        UPDATE cases SET ack_due_at = v.ack, contact_due_at = v.contact, reply_due_at = v.reply, next_due_at = v.next_due,
               overdue = coalesce(v.next_due < ${now.toISOString()}::timestamptz, false),
               next_alert_at = least(cases.next_alert_at, v.alert_at), updated_at = ${now.toISOString()}::timestamptz
        FROM (VALUES ${sql.join(updates, sql`, `)}) AS v(id, ack, contact, reply, next_due, alert_at)
        WHERE cases.id = v.id`);
      await ctx.db.execute(sql`INSERT INTO case_events (case_id, type, at, actor_type, actor_id, is_public, data) VALUES ${sql.join(events, sql`, `)}`);
      moved += updates.length;
    }
    if (batch.length < BATCH) break;
  }
  return moved;
}
