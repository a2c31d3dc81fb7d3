import { and, eq } from 'drizzle-orm';
import { caseAlerts, caseEvents, evaluations, extensionRequests, outbox, ratingAppeals, staffUsers } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { reopenChanges } from '../cases/reopen.ts';
import { type CaseRow, commitTransition } from '../cases/transition.ts';
import { workdayLookup } from '../deadlines/calendar.ts';
import type { FeedEvent } from './event.ts';
import { orderClocks } from './normalize.ts';
import { alertRedAtOnce, clearDepartments, patchSnapshot, redispatchChanges } from './redispatch.ts';

/** The identity and content of a platform event, kept in the data of the timeline event it caused. */
export interface EventStamp {
  type: FeedEvent['type'];
  at: string;
  key: string;
}

export type Effect = { applied: true } | { applied: false; messageKey: string; params?: Record<string, string | number> };

const FEED = { type: 'feed' as const, id: '12345' };
const refuse = (messageKey: string, params: Record<string, string | number> = {}): Effect => ({ applied: false, messageKey, params });
const APPLIED: Effect = { applied: true };

/**
 * What one platform event does to its case (locked by the caller). Each writes
 * one timeline event carrying the stamp, which is how a repeat is recognised.
 * The platform's own words (a reason, an urging text, a decision note) stay on
 * the internal side of the timeline: they may quote the caller.
 */
export function applyFeedEvent(tx: Ctx, row: CaseRow, e: FeedEvent, stamp: EventStamp): Promise<Effect> {
  switch (e.type) {
    case 'redispatched':
      return redispatched(tx, row, e, stamp);
    case 'redo':
      return redo(tx, row, e, stamp);
    case 'extension_decided':
      return extensionDecided(tx, row, e, stamp);
    case 'urged':
      return urged(tx, row, e, stamp);
    case 'appeal_decided':
      return appealDecided(tx, row, e, stamp);
  }
}

/** 退单被驳回: the returned order comes back to the queue, clocks from the new dispatch, the platform's deadline. */
async function redispatched(tx: Ctx, row: CaseRow, e: FeedEvent, stamp: EventStamp): Promise<Effect> {
  if (row.status !== 'returned') return refuse('feed.event_not_returned', { status: row.status });
  const ref = await tx.reference.get(tx.db);
  const dueAt = e.newDueAt!;
  const clocks = orderClocks(
    { ref, isWorkday: workdayLookup(ref.workdays), officeHoursEnd: tx.config.deadlines.officeHoursEnd },
    { kind: row.kind, categoryId: row.categoryId, priority: row.priority, dispatchedAt: e.at, ackDueAt: e.ackDueAt, dueAt },
  );
  await clearDepartments(tx, row.id);
  await commitTransition(tx, {
    row,
    actor: FEED,
    set: redispatchChanges(clocks, e.at),
    event: {
      type: 'redispatched',
      isPublic: true,
      data: { orderNo: e.orderNo, newDueAt: dueAt.toISOString(), feedEvent: stamp, ...(e.reason ? { platformReason: e.reason } : {}) },
    },
  });
  await patchSnapshot(tx, e.orderNo, { dispatchedAt: e.at.toISOString(), dueAt: dueAt.toISOString(), ackDueAt: e.ackDueAt?.toISOString() ?? null });
  await alertRedAtOnce(tx, row);
  return APPLIED;
}

/**
 * 重办: a replied or closed order is handled again, by the platform's new
 * deadline; the first round is kept. An order we reopened ourselves (a
 * dissatisfied rating, DISSATISFIED_ACTION=reopen) and not yet answered again
 * takes the platform's deadline instead of ours, without a second reopening.
 */
async function redo(tx: Ctx, row: CaseRow, e: FeedEvent, stamp: EventStamp): Promise<Effect> {
  const dueAt = e.newDueAt!;
  const reopenedHere = (row.status === 'assigned' || row.status === 'in_progress') && row.reopenCount > 0 && row.repliedAt === null;
  if (reopenedHere) {
    await commitTransition(tx, {
      row,
      actor: FEED,
      set: { replyDueAt: dueAt },
      event: {
        type: 'reopened',
        isPublic: true,
        data: {
          source: '12345',
          orderNo: e.orderNo,
          alreadyReopened: true,
          newDueAt: dueAt.toISOString(),
          previousDueAt: row.replyDueAt.toISOString(),
          feedEvent: stamp,
          ...(e.reason ? { platformReason: e.reason } : {}),
        },
      },
    });
    await patchSnapshot(tx, e.orderNo, { dueAt: dueAt.toISOString() });
    return APPLIED;
  }
  if (row.status !== 'replied' && row.status !== 'closed') return refuse('feed.event_not_replied', { status: row.status });
  const { set } = await reopenChanges(tx, row, { replyDueAt: dueAt });
  await commitTransition(tx, {
    row,
    actor: FEED,
    set,
    event: {
      type: 'reopened',
      isPublic: true,
      data: { source: '12345', orderNo: e.orderNo, newDueAt: dueAt.toISOString(), feedEvent: stamp, ...(e.reason ? { platformReason: e.reason } : {}) },
    },
  });
  await patchSnapshot(tx, e.orderNo, { dueAt: dueAt.toISOString() });
  return APPLIED;
}

/** 延期审批: the platform decides our pending request; an approval moves the deadline to the platform's date and is counted. */
async function extensionDecided(tx: Ctx, row: CaseRow, e: FeedEvent, stamp: EventStamp): Promise<Effect> {
  const [pending] = await tx.db
    .select()
    .from(extensionRequests)
    .where(and(eq(extensionRequests.caseId, row.id), eq(extensionRequests.status, 'pending')));
  if (!pending) return refuse('extension.none_pending');
  const note = e.text ?? e.reason;
  const dueAt = e.newDueAt ?? pending.requestedDueAt;
  await tx.db
    .update(extensionRequests)
    .set({ status: e.approved ? 'approved' : 'refused', decidedAt: e.at, decisionNote: note ?? null })
    .where(eq(extensionRequests.id, pending.id));
  const common = { requestId: pending.id, source: '12345', feedEvent: stamp, ...(note ? { note } : {}) };
  await commitTransition(tx, {
    row,
    actor: FEED,
    set: e.approved ? { replyDueAt: dueAt, extensionCount: row.extensionCount + 1 } : {},
    event: e.approved
      ? { type: 'extension_approved', isPublic: true, data: { ...common, newDueAt: dueAt.toISOString(), previousDueAt: row.replyDueAt.toISOString() } }
      : { type: 'extension_refused', isPublic: false, data: common },
  });
  if (e.approved) await patchSnapshot(tx, e.orderNo, { dueAt: dueAt.toISOString() });
  return APPLIED;
}

/**
 * 催办/督办: an escalation, as the deadline sweep makes one — an alert row
 * (clock `urge`), an internal timeline event and a mail to every active
 * supervisor — without bumping the case version, so it never turns a
 * handler's edit into a conflict. One urging is one alert: its time is the key.
 */
async function urged(tx: Ctx, row: CaseRow, e: FeedEvent, stamp: EventStamp): Promise<Effect> {
  if (row.status === 'merged' || row.status === 'returned') return refuse(`feed.case_${row.status}`);
  const now = tx.clock.now();
  await tx.db.insert(caseAlerts).values({ caseId: row.id, clock: 'urge', kind: 'escalation', dueAt: e.at, createdAt: now }).onConflictDoNothing();
  await tx.db.insert(caseEvents).values({
    caseId: row.id,
    type: 'urged',
    at: now,
    actorType: FEED.type,
    actorId: FEED.id,
    isPublic: false,
    data: { orderNo: e.orderNo, urgedAt: e.at.toISOString(), feedEvent: stamp, ...(e.text ? { text: e.text } : {}), ...(e.reason ? { reason: e.reason } : {}) },
  });
  const ref = await tx.reference.get(tx.db);
  const supervisors = await tx.db
    .select({ email: staffUsers.email })
    .from(staffUsers)
    .where(and(eq(staffUsers.role, 'supervisor'), eq(staffUsers.active, true)));
  const dept = row.leadDepartmentId !== null ? ref.departmentsById.get(row.leadDepartmentId) : undefined;
  const payload = {
    trackingCode: row.trackingCode,
    orderNo: e.orderNo,
    urgedAt: e.at.toISOString(),
    text: e.text ?? e.reason ?? '',
    station: ref.stationsById.get(row.stationId)?.code ?? null,
    department: dept?.code ?? null,
    replyDueAt: row.replyDueAt.toISOString(),
    status: row.status,
  };
  if (supervisors.length) {
    await tx.db
      .insert(outbox)
      .values(
        supervisors.map((s) => ({
          channel: 'email' as const,
          recipient: s.email,
          template: 'urged',
          lang: 'zh-CN',
          payload,
          caseId: row.id,
          idempotencyKey: `alert:${row.id}:urge:escalation:${e.at.getTime()}:${s.email.toLowerCase()}`,
          nextAttemptAt: now,
        })),
      )
      .onConflictDoNothing({ target: outbox.idempotencyKey });
  }
  return APPLIED;
}

/** 核减: the platform's decision on our appeal. Accepted takes the rating out of the figures (evaluations.excluded_at). */
async function appealDecided(tx: Ctx, row: CaseRow, e: FeedEvent, stamp: EventStamp): Promise<Effect> {
  const candidates = await tx.db
    .select()
    .from(ratingAppeals)
    .where(and(eq(ratingAppeals.caseId, row.id), e.appealId !== undefined ? eq(ratingAppeals.id, e.appealId) : eq(ratingAppeals.status, 'sent')))
    .for('update');
  if (e.appealId !== undefined && !candidates.length) return refuse('appeal.not_found', { id: e.appealId });
  if (!candidates.length) return refuse('appeal.none_sent');
  if (candidates.length > 1) return refuse('appeal.ambiguous');
  const appeal = candidates[0]!;
  if (appeal.status !== 'sent') return refuse('appeal.not_sent', { status: appeal.status });
  const note = e.text ?? e.reason;
  await tx.db
    .update(ratingAppeals)
    .set({ status: e.approved ? 'accepted' : 'refused', decidedAt: e.at, decisionNote: note ?? null })
    .where(eq(ratingAppeals.id, appeal.id));
  // The evaluations trigger then sets the case's latest satisfaction and resolution without this rating.
  if (e.approved) await tx.db.update(evaluations).set({ excludedAt: e.at }).where(eq(evaluations.id, appeal.evaluationId));
  await commitTransition(tx, {
    row,
    actor: FEED,
    set: {},
    event: {
      type: e.approved ? 'appeal_accepted' : 'appeal_refused',
      isPublic: false,
      data: { appealId: appeal.id, evaluationId: appeal.evaluationId, feedEvent: stamp, ...(note ? { note } : {}) },
    },
  });
  return APPLIED;
}
