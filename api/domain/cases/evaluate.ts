import { eq } from 'drizzle-orm';
import { caseEvents, cases, evaluations, type RESOLUTIONS, type SATISFACTIONS } from '../../../db/schema.ts';
import { constantTimeEqual } from '../../constant-time.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import { type DissatisfiedNext, handleDissatisfaction } from './dissatisfied.ts';
import { mainCaseOf } from './merged-reporters.ts';
import { normalizeTrackingCode } from './tracking-code.ts';

export interface EvaluationInput {
  trackingCode: string;
  phone4: string;
  satisfaction: (typeof SATISFACTIONS)[number];
  /** Null when the channel does not ask (an SMS rating is one digit of satisfaction). */
  resolved: (typeof RESOLUTIONS)[number] | null;
  comment?: string | undefined;
}

export interface EvaluationResult {
  satisfaction: EvaluationInput['satisfaction'];
  resolved: EvaluationInput['resolved'];
  evaluatedAt: Date;
  /** After a dissatisfied rating: what the office does next (flag for review, or reopen). */
  next: DissatisfiedNext | null;
}

/**
 * The citizen rates the reply: once per reply (a reopened case can be rated
 * again after its new reply). Needs the same four digits as the status lookup.
 *
 * A reporter whose case was merged into another rates the main case's reply
 * with their own code and digits. Their rating is recorded on their own case
 * (for the main case's reply round): a merged case is outside every published
 * figure, so the main case counts once, with its own reporter's rating. A
 * dissatisfied follower still leads somewhere: the main case is flagged or
 * reopened as for its own reporter.
 */
export async function evaluateCase({ ctx, input }: { ctx: Ctx; input: EvaluationInput & { via?: 'web' | 'sms' } }): Promise<EvaluationResult> {
  const code = normalizeTrackingCode(input.trackingCode);
  return withTransaction(ctx, async (tx) => {
    const [row] = code ? await tx.db.select().from(cases).where(eq(cases.trackingCode, code)).for('update') : [];
    if (!row || row.reporterPhone4 === null || !constantTimeEqual(row.reporterPhone4, input.phone4)) throw notFound('case_not_found');
    const main = await mainCaseOf(tx, row);
    const answered = main ?? row;
    if (answered.status !== 'replied' && answered.status !== 'closed') throw new DomainError('conflict', 'evaluation.not_replied');
    const now = tx.clock.now();
    const inserted = await tx.db
      .insert(evaluations)
      .values({
        caseId: row.id,
        source: 'citizen',
        replyRound: answered.reopenCount,
        satisfaction: input.satisfaction,
        resolved: input.resolved,
        comment: input.comment ?? null,
        evaluatedAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: evaluations.id });
    if (!inserted.length) throw new DomainError('conflict', 'evaluation.already');
    await tx.db.insert(caseEvents).values({
      caseId: row.id,
      type: 'evaluated',
      at: now,
      actorType: 'citizen',
      isPublic: true,
      // The comment stays internal: the public timeline shows that it was rated, not what was said.
      data: {
        satisfaction: input.satisfaction,
        resolved: input.resolved,
        via: input.via ?? 'web',
        ...(main ? { mainCase: main.trackingCode, replyRound: main.reopenCount } : {}),
        ...(input.comment ? { comment: input.comment } : {}),
      },
    });
    const next = input.satisfaction === 'dissatisfied' ? (await handleDissatisfaction(tx, answered.id, 'citizen', main ? row : undefined)).next : null;
    return { satisfaction: input.satisfaction, resolved: input.resolved, evaluatedAt: now, next };
  });
}
