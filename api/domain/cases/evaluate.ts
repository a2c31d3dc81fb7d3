import { eq } from 'drizzle-orm';
import { caseEvents, cases, evaluations, type RESOLUTIONS, type SATISFACTIONS } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import { handleDissatisfaction } from './dissatisfied.ts';
import { normalizeTrackingCode } from './tracking-code.ts';

export interface EvaluationInput {
  trackingCode: string;
  phone4: string;
  satisfaction: (typeof SATISFACTIONS)[number];
  /** Null when the channel does not ask (an SMS rating is one digit of satisfaction). */
  resolved: (typeof RESOLUTIONS)[number] | null;
  comment?: string | undefined;
}

/**
 * The citizen rates the reply: once per reply (a reopened case can be rated
 * again after its new reply). Needs the same four digits as the status lookup.
 */
export async function evaluateCase({ ctx, input }: { ctx: Ctx; input: EvaluationInput & { via?: 'web' | 'sms' } }) {
  const code = normalizeTrackingCode(input.trackingCode);
  return withTransaction(ctx, async (tx) => {
    const [row] = code ? await tx.db.select().from(cases).where(eq(cases.trackingCode, code)).for('update') : [];
    if (!row || row.reporterPhone4 !== input.phone4) throw notFound('case_not_found');
    if (row.status !== 'replied' && row.status !== 'closed') throw new DomainError('conflict', 'evaluation.not_replied');
    const now = tx.clock.now();
    const inserted = await tx.db
      .insert(evaluations)
      .values({
        caseId: row.id,
        source: 'citizen',
        replyRound: row.reopenCount,
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
      data: { satisfaction: input.satisfaction, resolved: input.resolved, via: input.via ?? 'web', ...(input.comment ? { comment: input.comment } : {}) },
    });
    if (input.satisfaction === 'dissatisfied') await handleDissatisfaction(tx, row.id, 'citizen');
    return { satisfaction: input.satisfaction, resolved: input.resolved, evaluatedAt: now };
  });
}
