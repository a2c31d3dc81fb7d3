import { and, eq } from 'drizzle-orm';
import { caseEvents, cases, evaluations, type RESOLUTIONS, type SATISFACTIONS } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { DomainError, invalidInput, notFound } from '../../errors.ts';
import { handleDissatisfaction } from '../cases/dissatisfied.ts';

export interface FeedEvaluationInput {
  orderNo: string;
  resolved: (typeof RESOLUTIONS)[number];
  satisfaction: (typeof SATISFACTIONS)[number];
  evaluatedAt: Date;
  comment?: string | undefined;
}

export interface FeedEvaluationOutcome {
  result: 'recorded' | 'unchanged';
  trackingCode: string;
  replyRound: number;
}

/**
 * The platform's follow-up (回访) of an order: recorded in `evaluations` with
 * source `12345` for the case's current reply round, with an `evaluated`
 * timeline event. The same result again is `unchanged`; a different result for
 * the same round is a conflict (the platform surveys once per reply). A
 * dissatisfied result goes where a citizen's does: flagged for the dispatcher
 * or reopened (重办), as the office configures (handleDissatisfaction).
 */
export async function recordFeedEvaluation({ ctx, input }: { ctx: Ctx; input: FeedEvaluationInput }): Promise<FeedEvaluationOutcome> {
  if (input.evaluatedAt.getTime() > ctx.clock.now().getTime() + 5 * 60_000) {
    throw invalidInput('invalid_input', [{ field: 'evaluatedAt', code: 'future', message: 'feed.time_future' }], { fields: 'evaluatedAt' });
  }
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .select()
      .from(cases)
      .where(and(eq(cases.channel, '12345'), eq(cases.externalRef, input.orderNo)))
      .for('update');
    if (!row) throw notFound('feed.order_not_found', { orderNo: input.orderNo });
    if (row.status !== 'replied' && row.status !== 'closed') throw new DomainError('conflict', 'feed.evaluation_not_replied', { status: row.status });
    const round = row.reopenCount;
    const comment = input.comment?.trim() || null;
    const inserted = await tx.db
      .insert(evaluations)
      .values({ caseId: row.id, source: '12345', replyRound: round, satisfaction: input.satisfaction, resolved: input.resolved, comment, evaluatedAt: input.evaluatedAt })
      .onConflictDoNothing()
      .returning({ id: evaluations.id });
    if (!inserted.length) {
      const [prior] = await tx.db
        .select()
        .from(evaluations)
        .where(and(eq(evaluations.caseId, row.id), eq(evaluations.source, '12345'), eq(evaluations.replyRound, round)));
      const same = prior && prior.satisfaction === input.satisfaction && prior.resolved === input.resolved && (prior.comment ?? null) === comment;
      if (!same) throw new DomainError('conflict', 'feed.evaluation_differs');
      return { result: 'unchanged', trackingCode: row.trackingCode, replyRound: round };
    }
    await tx.db.insert(caseEvents).values({
      caseId: row.id,
      type: 'evaluated',
      at: tx.clock.now(),
      actorType: 'feed',
      actorId: '12345',
      isPublic: true,
      // The comment stays internal: the public timeline shows the rating, not what was said.
      data: { source: '12345', satisfaction: input.satisfaction, resolved: input.resolved, evaluatedAt: input.evaluatedAt.toISOString(), replyRound: round, ...(comment ? { comment } : {}) },
    });
    if (input.satisfaction === 'dissatisfied') await handleDissatisfaction(tx, row.id, '12345');
    return { result: 'recorded', trackingCode: row.trackingCode, replyRound: round };
  });
}
