import { and, eq, sql } from 'drizzle-orm';
import { caseEvents, feedOrders } from '../../../db/schema.ts';
import type { Config } from '../../config.ts';
import type { Ctx } from '../../context.ts';
import type { Reference } from '../reference.ts';
import { workdayLookup } from './calendar.ts';
import { CLOCKS, type ClockFields, type ClockName } from './clocks.ts';
import { computeDeadlines, type DeadlineOptions, type Deadlines } from './policy.ts';

/*
 * Recomputing a case's deadlines when what they depend on changes (kind,
 * category, priority, the calendar): every clock not yet met is computed again
 * from the original receipt (the reply clock of a reopened case from its
 * reopening) on the current policies. Two deadlines are not the office's to
 * move: a 12345 order's reply deadline (and its acknowledge deadline when the
 * order set one) is the platform's, and an approved extension's deadline never
 * moves back (a later policy deadline still wins). Acknowledge and contact end
 * by the reply, whichever way it was set.
 */
export type RecomputeReason = 'recategorized' | 'priority' | 'calendar';

/** What a recomputation reads: the case's clocks, the policy's inputs and whether an extension was approved. */
export interface RecomputeCase extends Omit<ClockFields, 'status'> {
  channel: string;
  kind: string;
  categoryId: number;
  extensionCount: number;
}

export type DeadlineChanges = Partial<Record<ClockName, { from: string; to: string }>>;

/** The calendar and office hours deadlines are computed on. */
export function deadlineRules(ref: Reference, config: Pick<Config, 'deadlines'>) {
  return { isWorkday: workdayLookup(ref.workdays), options: { officeHoursEnd: config.deadlines.officeHoursEnd } satisfies DeadlineOptions };
}

const latest = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);

/**
 * The case's deadlines after a recomputation, and the ones that moved (as ISO
 * instants, for the timeline). `platformAck`: a 12345 order that set its own
 * acknowledge deadline.
 */
export function recomputeDeadlines(
  ref: Reference,
  config: Pick<Config, 'deadlines'>,
  c: RecomputeCase,
  platformAck = false,
): { deadlines: Deadlines; set: Partial<Deadlines>; changes: DeadlineChanges } {
  const { isWorkday, options } = deadlineRules(ref, config);
  const input = { channel: c.channel, kind: c.kind, categoryId: c.categoryId, priority: c.priority };
  const fromReceipt = computeDeadlines(ref.policies, { ...input, receivedAt: c.receivedAt }, isWorkday, options);
  const replyStart = c.replyStartedAt ?? c.receivedAt;
  const policyReply =
    replyStart.getTime() === c.receivedAt.getTime() ? fromReceipt.replyDueAt : computeDeadlines(ref.policies, { ...input, receivedAt: replyStart }, isWorkday, options).replyDueAt;

  let replyDueAt = c.replyDueAt;
  if (!c.repliedAt && c.channel !== '12345') replyDueAt = c.extensionCount > 0 ? latest(c.replyDueAt, policyReply) : policyReply;
  // Acknowledge and contact end by the reply the case actually has (the platform's, an extended one).
  const clocks =
    replyDueAt.getTime() === fromReceipt.replyDueAt.getTime() ? fromReceipt : computeDeadlines(ref.policies, { ...input, receivedAt: c.receivedAt }, isWorkday, { ...options, replyDueAt });
  const next: Deadlines = {
    ackDueAt: c.acknowledgedAt || (c.channel === '12345' && platformAck) ? c.ackDueAt : clocks.ackDueAt,
    contactDueAt: c.contactedAt ? c.contactDueAt : clocks.contactDueAt,
    replyDueAt,
  };

  const set: Partial<Deadlines> = {};
  const changes: DeadlineChanges = {};
  for (const clock of CLOCKS) {
    const key = `${clock}DueAt` as const;
    if (next[key].getTime() !== c[key].getTime()) {
      set[key] = next[key];
      changes[clock] = { from: c[key].toISOString(), to: next[key].toISOString() };
    }
  }
  return { deadlines: next, set, changes };
}

/** Whether a 12345 order set its own acknowledge deadline (then it is the platform's, not ours to move). */
export async function orderSetsAck(ctx: Ctx, c: { channel: string; externalRef: string | null }): Promise<boolean> {
  if (c.channel !== '12345' || !c.externalRef) return false;
  // The order's number is the case's external reference (and feed_orders' key).
  const [row] = await ctx.db
    .select({ orderNo: feedOrders.orderNo })
    .from(feedOrders)
    .where(and(eq(feedOrders.orderNo, c.externalRef), sql`${feedOrders.snapshot}->>'ackDueAt' is not null`));
  return row !== undefined;
}

/** The timeline event of a recomputation (internal: staff read it; the citizen sees the new reply deadline). */
export function recomputedEvent(reason: RecomputeReason, changes: DeadlineChanges, extra: Record<string, unknown> = {}) {
  return { type: 'deadlines_recomputed', isPublic: false, data: { reason, ...extra, ...changes } };
}

/** Writes the recomputation's event beside a verb's own (same time, same actor). */
export async function recordRecomputed(
  ctx: Ctx,
  { caseId, staffId, reason, changes }: { caseId: string; staffId: string; reason: RecomputeReason; changes: DeadlineChanges },
): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  const event = recomputedEvent(reason, changes);
  await ctx.db.insert(caseEvents).values({ caseId, type: event.type, at: ctx.clock.now(), actorType: 'staff', actorId: staffId, isPublic: event.isPublic, data: event.data });
}
