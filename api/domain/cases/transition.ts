import { and, eq, sql } from 'drizzle-orm';
import { caseDepartments, caseEvents, cases, type OUTBOX_CHANNELS, outbox } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { fromStatuses, type TransitionVerb } from '../../contract/verbs.ts';
import { DomainError, notFound } from '../../errors.ts';
import { deltaSeconds, firstAlertAt } from '../deadlines/clocks.ts';
import type { Staff } from '../staff/session.ts';
import { authorize, type CaseScope } from './access.ts';

export type CaseRow = typeof cases.$inferSelect;
export type CaseStatus = CaseRow['status'];

export interface OutboxMessage {
  channel: (typeof OUTBOX_CHANNELS)[number];
  recipient: string;
  template: string;
  lang: string;
  payload: Record<string, unknown>;
  idempotencyKey: string;
  /** Not to be sent before this time (a survey waits a while after the reply). */
  notBefore?: Date;
}

/** Reads a case and its co-handling departments, locking the row for the transaction. */
export async function loadCase(ctx: Ctx, id: string): Promise<{ row: CaseRow; scope: CaseScope }> {
  const [row] = await ctx.db.select().from(cases).where(eq(cases.id, id)).for('update');
  if (!row) throw notFound('case_not_found_staff');
  const co = await ctx.db.select({ id: caseDepartments.departmentId }).from(caseDepartments).where(eq(caseDepartments.caseId, id));
  return { row, scope: { leadDepartmentId: row.leadDepartmentId, coDepartmentIds: co.map((c) => c.id) } };
}

/**
 * The checks every staff verb makes, in order: the case exists, the caller may
 * act on it, the version they read is current, and the verb is legal from the
 * case's status.
 */
export async function openForVerb(ctx: Ctx, { staff, caseId, verb, version }: { staff: Staff; caseId: string; verb: TransitionVerb; version: number }) {
  const loaded = await loadCase(ctx, caseId);
  authorize(staff, verb, loaded.scope);
  if (loaded.row.version !== version) {
    throw new DomainError('conflict', 'stale_version', { current: loaded.row.version, given: version });
  }
  if (!(fromStatuses(verb) as readonly CaseStatus[]).includes(loaded.row.status)) {
    throw new DomainError('conflict', 'invalid_transition', { verb, status: loaded.row.status });
  }
  return loaded;
}

/** The soonest clock not yet met, given the case after a change. */
export function nextDue(row: Pick<CaseRow, 'status' | 'acknowledgedAt' | 'contactedAt' | 'ackDueAt' | 'contactDueAt' | 'replyDueAt'>): Date | null {
  if (!['new', 'assigned', 'in_progress'].includes(row.status)) return null;
  const open: Date[] = [row.replyDueAt];
  if (!row.acknowledgedAt) open.push(row.ackDueAt);
  if (!row.contactedAt) open.push(row.contactDueAt);
  return new Date(Math.min(...open.map((d) => d.getTime())));
}

/**
 * Writes one change to a case: the row (guarded by its version), one timeline
 * event with actor and time, and any outbox messages — in the caller's
 * transaction.
 */
export async function commitTransition(
  ctx: Ctx,
  {
    row,
    staff,
    actor,
    set,
    event,
    messages = [],
  }: {
    row: CaseRow;
    staff?: Staff;
    /** For changes no member of staff made: the sweeper, a citizen's rating, the 12345 feed. */
    actor?: { type: 'system' | 'citizen' | 'feed'; id: string | null };
    set: Partial<CaseRow>;
    event: { type: string; isPublic: boolean; data?: Record<string, unknown> };
    messages?: OutboxMessage[];
  },
): Promise<CaseRow> {
  const now = ctx.clock.now();
  const merged = { ...row, ...set };
  const due = nextDue(merged);
  const bookkeeping: Partial<CaseRow> = {
    nextDueAt: due,
    overdue: due !== null && due < now,
    // A case turning red reaches supervisors at once: the sweeper looks now.
    nextAlertAt: merged.priority === 'red' && row.priority !== 'red' ? now : firstAlertAt(merged),
    // Met clocks keep how early or late they were met, for reporting.
    ...(merged.acknowledgedAt && !row.acknowledgedAt ? { ackDeltaSeconds: deltaSeconds(merged.acknowledgedAt, merged.ackDueAt) } : {}),
    ...(merged.contactedAt && !row.contactedAt ? { contactDeltaSeconds: deltaSeconds(merged.contactedAt, merged.contactDueAt) } : {}),
    ...(merged.repliedAt && !row.repliedAt ? { replyDeltaSeconds: deltaSeconds(merged.repliedAt, merged.replyDueAt) } : {}),
  };
  const [updated] = await ctx.db
    .update(cases)
    .set({ ...set, ...bookkeeping, version: sql`${cases.version} + 1`, updatedAt: now })
    .where(and(eq(cases.id, row.id), eq(cases.version, row.version)))
    .returning();
  if (!updated) throw new DomainError('conflict', 'stale_version', { current: row.version + 1, given: row.version });
  await ctx.db.insert(caseEvents).values({
    caseId: row.id,
    type: event.type,
    at: now,
    actorType: actor?.type ?? 'staff',
    actorId: actor ? actor.id : (staff?.id ?? null),
    isPublic: event.isPublic,
    data: event.data ?? {},
  });
  if (messages.length) {
    await ctx.db
      .insert(outbox)
      .values(messages.map(({ notBefore, ...m }) => ({ ...m, caseId: row.id, nextAttemptAt: notBefore ?? now })))
      .onConflictDoNothing({ target: outbox.idempotencyKey });
  }
  return updated;
}

/** Messages to the citizen who filed the case: SMS to the phone, email when given. */
export function citizenMessages(row: CaseRow, template: string, key: string, payload: Record<string, unknown>): OutboxMessage[] {
  const messages: OutboxMessage[] = [];
  const base = { template, lang: row.lang, payload: { trackingCode: row.trackingCode, ...payload } };
  if (row.reporterPhone) messages.push({ ...base, channel: 'sms', recipient: row.reporterPhone, idempotencyKey: `${template}:sms:${key}` });
  if (row.reporterEmail) messages.push({ ...base, channel: 'email', recipient: row.reporterEmail, idempotencyKey: `${template}:email:${key}` });
  return messages;
}

/** A callback to the 12345 platform for a transferred order (delivered by the outbox job). */
export function callback12345(ctx: Ctx, row: CaseRow, event: string, key: string, payload: Record<string, unknown>): OutboxMessage[] {
  if (row.channel !== '12345' || !row.externalRef) return [];
  return [
    {
      channel: 'callback_12345',
      recipient: ctx.config.feed12345.callbackUrl ?? 'local',
      template: event,
      lang: 'zh-CN',
      payload: { orderNo: row.externalRef, event, at: ctx.clock.now().toISOString(), ...payload },
      idempotencyKey: `callback:${event}:${key}`,
    },
  ];
}
