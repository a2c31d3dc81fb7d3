import { eq } from 'drizzle-orm';
import { caseEvents, cases } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import type { Staff } from '../staff/session.ts';
import { answeredMasterMessages, answeredStep, masterNames, tellMergedReporters } from './merged-reporters.ts';
import { normalizeTrackingCode } from './tracking-code.ts';
import { type CaseRow, callback12345, citizenMessages, commitTransition, openForVerb } from './transition.ts';

/**
 * Merges a duplicate into a master case. The duplicate's reporter is told that
 * their report is handled with an earlier one and follows it with their own
 * code (merged-reporters.ts); the master's timeline records the merge. The
 * master's reply reaches them (a 12345 order through its platform): at once if
 * the master is already answered, else when it is.
 */
export async function merge({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; version: number; into: string } }) {
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, { staff, caseId: input.caseId, verb: 'merge', version: input.version });
    const code = normalizeTrackingCode(input.into);
    const [master] = code ? await tx.db.select().from(cases).where(eq(cases.trackingCode, code)).for('update') : [];
    if (!master) throw notFound('merge.master_not_found');
    if (master.id === row.id) throw new DomainError('conflict', 'merge.self');
    if (master.status === 'merged' || master.status === 'returned') throw new DomainError('conflict', 'merge.master_not_open');
    return mergeFollower(tx, { row, master, by: { staff } });
  });
}

/**
 * Makes `row` follow `master`, in the caller's transaction: the master's
 * `duplicate_merged` event (followersOf reads it), the follower's status
 * `merged` and `masterCaseId`, its reporter told (and answered at once when the
 * master already is), and its own followers passed on. A dispatcher's merge and
 * a supporter joining at filing (duplicates/join.ts) both come through here.
 * `by`: the member of staff who merged, or the citizen who joined.
 */
export async function mergeFollower(tx: Ctx, { row, master, by }: { row: CaseRow; master: CaseRow; by: { staff: Staff } | { citizen: true } }) {
  const staff = 'staff' in by ? by.staff : undefined;
  const actor = staff ? { actorType: 'staff' as const, actorId: staff.id } : { actorType: 'citizen' as const, actorId: null };
  await tx.db.insert(caseEvents).values({
    caseId: master.id,
    type: 'duplicate_merged',
    at: tx.clock.now(),
    ...actor,
    isPublic: false,
    data: { duplicate: row.trackingCode, ...(staff ? {} : { supporter: true }) },
  });
  // Cases that followed this one follow the master from now on; an answered master's reply reaches them now.
  const answered = answeredStep(master);
  if (answered) await tellMergedReporters(tx, master, answered, `${master.id}:${master.version}`, row);
  return commitTransition(tx, {
    row,
    ...(staff ? { staff } : { actor: { type: 'citizen' as const, id: null } }),
    set: { status: 'merged', masterCaseId: master.id, closedAt: tx.clock.now() },
    event: { type: 'merged', isPublic: true, data: { mergedInto: master.trackingCode, ...(staff ? {} : { supporter: true }) } },
    // A 12345 order's caller hears from the platform, which we tell; others get our SMS or email, and keep
    // following with their own code (the master's code is its reporter's, not theirs to use).
    messages: [
      ...(row.channel === '12345' ? callback12345(tx, row, 'merged', row.id, masterNames(master)) : citizenMessages(row, 'merged', row.id, {})),
      ...answeredMasterMessages(tx, row, master),
    ],
  });
}
