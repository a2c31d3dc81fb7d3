import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { caseAlerts, caseEvents, cases, staffUsers } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { type DigestItem, holdDigestParts, releaseDigests } from '../messages/alert-digest.ts';
import { runningClocks } from './clocks.ts';

/**
 * The deadline sweep (督办): for every case whose next alert time has come,
 * warn the responsible department when 80 % of a clock has run, escalate to
 * supervisors when it has passed (timeline event, the case marked overdue),
 * and send red cases to supervisors at once. Each recipient gets one email per
 * sweep listing everything it raised for them (messages/alert-digest.ts).
 *
 * Each warning and escalation happens once per clock and deadline: cases are
 * claimed with FOR UPDATE SKIP LOCKED, so overlapping sweeps split the work,
 * and case_alerts' primary key refuses a second copy of any alert. The sweep's
 * bookkeeping (next_alert_at, overdue) does not bump the case version, so it
 * never turns a dispatcher's edit into a conflict.
 */
export interface SweepResult {
  examined: number;
  warnings: number;
  escalations: number;
  red: number;
  /** Digest emails written (one per recipient). */
  digests: number;
}

type Alert = { caseId: string; clock: string; kind: 'warning' | 'escalation' | 'red'; dueAt: Date };

const CLAIM_COLUMNS = {
  id: cases.id,
  trackingCode: cases.trackingCode,
  status: cases.status,
  priority: cases.priority,
  priorityOwner: cases.priorityOwner,
  stationId: cases.stationId,
  leadDepartmentId: cases.leadDepartmentId,
  receivedAt: cases.receivedAt,
  replyStartedAt: cases.replyStartedAt,
  ackDueAt: cases.ackDueAt,
  contactDueAt: cases.contactDueAt,
  replyDueAt: cases.replyDueAt,
  acknowledgedAt: cases.acknowledgedAt,
  contactedAt: cases.contactedAt,
  repliedAt: cases.repliedAt,
};
type Claimed = { [K in keyof typeof CLAIM_COLUMNS]: (typeof CLAIM_COLUMNS)[K]['_']['data'] | ((typeof CLAIM_COLUMNS)[K]['_']['notNull'] extends true ? never : null) };

export async function sweepDeadlines(ctx: Ctx, options: { batchSize?: number; maxBatches?: number } = {}): Promise<SweepResult> {
  const batchSize = options.batchSize ?? 1000;
  const maxBatches = options.maxBatches ?? 1000;
  const total: SweepResult = { examined: 0, warnings: 0, escalations: 0, red: 0, digests: 0 };
  for (let i = 0; i < maxBatches; i++) {
    const batch = await withTransaction(ctx, (tx) => sweepBatch(tx, batchSize));
    total.examined += batch.examined;
    total.warnings += batch.warnings;
    total.escalations += batch.escalations;
    total.red += batch.red;
    if (batch.examined < batchSize) break;
  }
  // Also merges the parts of a sweep that died before its own merge.
  total.digests = await withTransaction(ctx, releaseDigests);
  if (total.warnings + total.escalations + total.red + total.digests > 0) ctx.logger.info('deadline sweep', { ...total });
  return total;
}

async function sweepBatch(ctx: Ctx, batchSize: number): Promise<Omit<SweepResult, 'digests'>> {
  const now = ctx.clock.now();
  const claimed = (await ctx.db
    .select(CLAIM_COLUMNS)
    .from(cases)
    .where(lte(cases.nextAlertAt, now))
    .orderBy(asc(cases.nextAlertAt))
    .limit(batchSize)
    .for('update', { skipLocked: true })) as Claimed[];
  if (!claimed.length) return { examined: 0, warnings: 0, escalations: 0, red: 0 };

  const ids = claimed.map((c) => c.id);
  const done = await ctx.db.select().from(caseAlerts).where(inArray(caseAlerts.caseId, ids));
  const key = (a: { caseId: string; clock: string; kind: string; dueAt: Date }) => `${a.caseId}|${a.clock}|${a.kind}|${a.dueAt.getTime()}`;
  const seen = new Set(done.map(key));

  const wanted: Alert[] = [];
  const next = new Map<string, Date | null>();
  for (const c of claimed) {
    let nextAt: number | null = null;
    const later = (t: Date) => {
      if (nextAt === null || t.getTime() < nextAt) nextAt = t.getTime();
    };
    if (c.priority === 'red' && ['new', 'assigned', 'in_progress'].includes(c.status)) {
      const red: Alert = { caseId: c.id, clock: 'priority', kind: 'red', dueAt: c.receivedAt };
      if (!seen.has(key(red))) wanted.push(red);
    }
    for (const clock of runningClocks(c)) {
      const warning: Alert = { caseId: c.id, clock: clock.clock, kind: 'warning', dueAt: clock.dueAt };
      const escalation: Alert = { caseId: c.id, clock: clock.clock, kind: 'escalation', dueAt: clock.dueAt };
      if (now >= clock.dueAt) {
        if (!seen.has(key(escalation))) wanted.push(escalation);
      } else {
        if (now >= clock.warnAt) {
          if (!seen.has(key(warning))) wanted.push(warning);
        } else later(clock.warnAt);
        later(clock.dueAt);
      }
    }
    next.set(c.id, nextAt === null ? null : new Date(nextAt));
  }

  // Only the alerts this sweep actually inserted are acted on.
  const inserted = wanted.length
    ? await ctx.db
        .insert(caseAlerts)
        .values(wanted.map((a) => ({ ...a, createdAt: now })))
        .onConflictDoNothing()
        .returning()
    : [];
  const acted: Alert[] = inserted.map((a) => ({ caseId: a.caseId, clock: a.clock, kind: a.kind as Alert['kind'], dueAt: a.dueAt }));

  if (acted.length) {
    await insertChunked(
      ctx,
      caseEvents,
      acted.map((a) => ({
        caseId: a.caseId,
        type: a.kind === 'warning' ? 'deadline_warning' : a.kind === 'red' ? 'red_escalated' : 'escalated',
        at: now,
        actorType: 'system' as const,
        actorId: 'deadline-sweep',
        isPublic: false,
        data: { clock: a.clock, dueAt: a.dueAt.toISOString() },
      })),
    );
    await holdDigestParts(ctx, await alertRecipients(ctx, claimed, acted));
  }

  const escalated = new Set(acted.filter((a) => a.kind === 'escalation').map((a) => a.caseId));
  const rows = claimed.map((c) => sql`(${c.id}::uuid, ${next.get(c.id)?.toISOString() ?? null}::timestamptz, ${escalated.has(c.id)}::boolean)`);
  await ctx.db.execute(sql`
    UPDATE cases SET next_alert_at = v.next_at, overdue = cases.overdue OR v.escalated
    FROM (VALUES ${sql.join(rows, sql`, `)}) AS v(id, next_at, escalated)
    WHERE cases.id = v.id`);

  return {
    examined: claimed.length,
    warnings: acted.filter((a) => a.kind === 'warning').length,
    escalations: acted.filter((a) => a.kind === 'escalation').length,
    red: acted.filter((a) => a.kind === 'red').length,
  };
}

/**
 * Who hears of each alert: a warning goes to the lead department's mailbox,
 * an escalation or a red case to every active supervisor. Each recipient gets
 * the batch's alerts as one held digest part (messages/alert-digest.ts).
 */
async function alertRecipients(ctx: Ctx, claimed: Claimed[], acted: Alert[]) {
  const ref = await ctx.reference.get(ctx.db);
  const byId = new Map(claimed.map((c) => [c.id, c]));
  const needSupervisors = acted.some((a) => a.kind !== 'warning');
  const supervisors = needSupervisors
    ? await ctx.db
        .select({ email: staffUsers.email })
        .from(staffUsers)
        .where(and(eq(staffUsers.role, 'supervisor'), eq(staffUsers.active, true)))
    : [];
  const entries: Array<{ recipient: string; item: DigestItem }> = [];
  for (const a of acted) {
    const c = byId.get(a.caseId)!;
    const dept = c.leadDepartmentId !== null ? ref.departmentsById.get(c.leadDepartmentId) : undefined;
    const station = ref.stationsById.get(c.stationId);
    const item: DigestItem = {
      kind: a.kind,
      caseId: c.id,
      trackingCode: c.trackingCode,
      clock: a.clock,
      dueAt: a.dueAt.toISOString(),
      station: station?.nameZh ?? '',
      department: dept?.nameZh ?? '',
      priority: c.priority,
      owner: c.priorityOwner ?? '',
    };
    const recipients = a.kind === 'warning' ? (dept?.email ? [dept.email] : []) : supervisors.map((s) => s.email);
    for (const recipient of recipients) entries.push({ recipient, item });
  }
  return entries;
}

async function insertChunked(ctx: Ctx, table: typeof caseEvents, rows: Array<typeof caseEvents.$inferInsert>) {
  for (let i = 0; i < rows.length; i += 2000) await ctx.db.insert(table).values(rows.slice(i, i + 2000));
}
