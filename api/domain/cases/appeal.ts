import { and, asc, desc, eq } from 'drizzle-orm';
import { evaluations, ratingAppeals } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import type { Staff } from '../staff/session.ts';
import { callback12345, commitTransition, openForVerb } from './transition.ts';

/*
 * Appeals of unreasonable 12345 ratings (申诉/核减). The platform's follow-up
 * rating counts in the office's figures unless the platform excludes it; the
 * office asks for that with reasons: a handler of the lead department files the
 * appeal, a supervisor sends it (callback `appeal`), and the platform's
 * decision comes back through the feed (feed12345/event-effects.ts). One appeal
 * per rating: a refused appeal is final.
 */

/** A handler of the lead department files an appeal of a 12345 rating of the case (default: the latest). */
export async function fileAppeal({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; version: number; reasons: string; evaluationId?: number | undefined } }) {
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, { staff, caseId: input.caseId, verb: 'appeal', version: input.version });
    const [rating] = await tx.db
      .select()
      .from(evaluations)
      .where(and(eq(evaluations.caseId, row.id), eq(evaluations.source, '12345'), input.evaluationId !== undefined ? eq(evaluations.id, input.evaluationId) : undefined))
      .orderBy(desc(evaluations.evaluatedAt), desc(evaluations.id))
      .limit(1);
    if (!rating) throw input.evaluationId !== undefined ? notFound('appeal.rating_not_found') : new DomainError('conflict', 'appeal.no_rating');
    const prior = await tx.db.select().from(ratingAppeals).where(eq(ratingAppeals.evaluationId, rating.id)).orderBy(asc(ratingAppeals.id)).for('update');
    if (prior.some((a) => a.status === 'refused')) throw new DomainError('conflict', 'appeal.refused_before');
    const open = prior.find((a) => a.status !== 'refused');
    if (open) throw new DomainError('conflict', 'appeal.exists', { status: open.status });
    const now = tx.clock.now();
    const inserted = await tx.db
      .insert(ratingAppeals)
      .values({ caseId: row.id, evaluationId: rating.id, reasons: input.reasons, filedBy: staff.id, filedAt: now })
      .onConflictDoNothing()
      .returning({ id: ratingAppeals.id });
    // A concurrent filing won the one-appeal-per-rating index.
    if (!inserted.length) throw new DomainError('conflict', 'appeal.exists', { status: 'filed' });
    const appealId = inserted[0]!.id;
    const updated = await commitTransition(tx, {
      row,
      staff,
      set: {},
      event: { type: 'appeal_filed', isPublic: false, data: { appealId, evaluationId: rating.id, replyRound: rating.replyRound, reasons: input.reasons } },
    });
    return { case: updated, appealId };
  });
}

/** A supervisor sends the filed appeal to the 12345 platform (callback `appeal` with the reasons). */
export async function sendAppeal({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; version: number; appealId?: number | undefined } }) {
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, { staff, caseId: input.caseId, verb: 'send-appeal', version: input.version });
    const filed = await tx.db
      .select({ appeal: ratingAppeals, rating: evaluations })
      .from(ratingAppeals)
      .innerJoin(evaluations, eq(evaluations.id, ratingAppeals.evaluationId))
      .where(and(eq(ratingAppeals.caseId, row.id), eq(ratingAppeals.status, 'filed'), input.appealId !== undefined ? eq(ratingAppeals.id, input.appealId) : undefined))
      .orderBy(asc(ratingAppeals.id))
      .for('update');
    const found = filed[0];
    if (!found) throw new DomainError('conflict', 'appeal.none_filed');
    const { appeal, rating } = found;
    const now = tx.clock.now();
    await tx.db.update(ratingAppeals).set({ status: 'sent', sentBy: staff.id, sentAt: now }).where(eq(ratingAppeals.id, appeal.id));
    const updated = await commitTransition(tx, {
      row,
      staff,
      set: {},
      event: { type: 'appeal_sent', isPublic: false, data: { appealId: appeal.id, evaluationId: rating.id } },
      messages: callback12345(tx, row, 'appeal', `${row.id}:${appeal.id}`, {
        appealId: appeal.id,
        reason: appeal.reasons,
        replyRound: rating.replyRound,
        satisfaction: rating.satisfaction,
        evaluatedAt: rating.evaluatedAt.toISOString(),
      }),
    });
    return { case: updated, appealId: appeal.id };
  });
}
