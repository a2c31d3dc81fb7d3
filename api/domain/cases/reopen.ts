import { type Ctx, withTransaction } from '../../context.ts';
import { computeDeadlines } from '../deadlines/policy.ts';
import { deadlineRules } from '../deadlines/recompute.ts';
import type { Staff } from '../staff/session.ts';
import { type CaseRow, callback12345, commitTransition, openForVerb } from './transition.ts';

/**
 * What reopening (重办) changes: back in progress with the lead department, a
 * fresh reply clock from now on the case's policy, the old reply no longer
 * current, and any dissatisfaction flag answered. The first round's deadline and
 * reply are kept at the first reopening: the on-time rate counts the first answer
 * against its own deadline and the redo on its own.
 */
export async function reopenChanges(ctx: Ctx, row: CaseRow, platform?: { replyDueAt: Date }) {
  const ref = await ctx.reference.get(ctx.db);
  const now = ctx.clock.now();
  // A redo ordered by the 12345 platform runs to the platform's deadline, not our policy's.
  const rules = deadlineRules(ref, ctx.config);
  const replyDueAt =
    platform?.replyDueAt ??
    computeDeadlines(ref.policies, { channel: row.channel, kind: row.kind, categoryId: row.categoryId, priority: row.priority, receivedAt: now }, rules.isWorkday, rules.options).replyDueAt;
  const set: Partial<CaseRow> = {
    status: 'in_progress',
    replyStartedAt: now,
    replyDueAt,
    repliedAt: null,
    replyDeltaSeconds: null,
    closedAt: null,
    flaggedAt: null,
    reopenCount: row.reopenCount + 1,
    ...(row.reopenCount === 0 ? { firstReplyDueAt: row.replyDueAt, firstRepliedAt: row.repliedAt } : {}),
  };
  return { set, newDueAt: replyDueAt };
}

/**
 * A dispatcher or supervisor reopens a replied or closed case, e.g. after a
 * dissatisfied citizen. A 12345 order's platform is told (callback `reopened`).
 */
export async function reopen({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; version: number; reason: string } }) {
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, { staff, caseId: input.caseId, verb: 'reopen', version: input.version });
    const { set, newDueAt } = await reopenChanges(tx, row);
    return commitTransition(tx, {
      row,
      staff,
      set,
      event: { type: 'reopened', isPublic: true, data: { reason: input.reason, newDueAt: newDueAt.toISOString() } },
      // The platform hears of a redo we decided, with our new deadline.
      messages: callback12345(tx, row, 'reopened', `${row.id}:${row.version}`, { reason: input.reason, newDueAt: newDueAt.toISOString() }),
    });
  });
}
