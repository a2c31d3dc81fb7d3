import { and, eq, inArray, sql } from 'drizzle-orm';
import { caseEvents, cases, outbox } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import type { Channel } from '../../contract/enums.ts';
import { type CaseRow, callback12345, type OutboxMessage } from './transition.ts';

/**
 * What the reporters of duplicates hear when their master case moves. A merged
 * case is closed, but its reporter still waits for an answer: the master's.
 *
 * Each channel says how its reporters are told (`NOTIFY`). Today only 12345
 * orders are: their platform gets the master's reply through the order's own
 * callback. A channel of ours (SMS, email to a duplicate's reporter) would add
 * its entry here; every caller of the fan-out then tells them too.
 */
export type MasterStep = { event: 'replied'; text: string };

type Notify = (ctx: Ctx, duplicate: CaseRow, master: CaseRow, step: MasterStep, key: string) => OutboxMessage[];

const NOTIFY: Partial<Record<Channel, Notify>> = {
  '12345': (ctx, duplicate, master, step, key) => callback12345(ctx, duplicate, step.event, `${duplicate.id}:master:${key}`, { text: step.text, ...masterNames(master) }),
};

/** How a callback names the master: its tracking code, and its order number when it is a 12345 order too. */
export function masterNames(master: Pick<CaseRow, 'trackingCode' | 'channel' | 'externalRef'>) {
  return { masterTrackingCode: master.trackingCode, ...(master.channel === '12345' && master.externalRef ? { masterOrderNo: master.externalRef } : {}) };
}

/**
 * Queues the messages for the reporters of every case merged into `master`,
 * each on the duplicate's own outbox row (its timeline is where staff look for
 * it). `key` names the master's step (e.g. its id and version at the reply).
 * The duplicates are found through the master's `duplicate_merged` events (the
 * timeline's index), not by a scan of all merged cases.
 */
export async function tellMergedReporters(ctx: Ctx, master: CaseRow, step: MasterStep, key: string): Promise<number> {
  const merged = await ctx.db
    .select({ code: sql<string>`${caseEvents.data}->>'duplicate'` })
    .from(caseEvents)
    .where(and(eq(caseEvents.caseId, master.id), eq(caseEvents.type, 'duplicate_merged')));
  const codes = merged.map((m) => m.code).filter((c): c is string => typeof c === 'string');
  if (!codes.length) return 0;
  const duplicates = await ctx.db
    .select()
    .from(cases)
    .where(and(inArray(cases.trackingCode, codes), eq(cases.masterCaseId, master.id), eq(cases.status, 'merged')));
  const now = ctx.clock.now();
  const rows = duplicates.flatMap((d) => (NOTIFY[d.channel]?.(ctx, d, master, step, key) ?? []).map(({ notBefore, ...m }) => ({ ...m, caseId: d.id, nextAttemptAt: notBefore ?? now })));
  if (rows.length) await ctx.db.insert(outbox).values(rows).onConflictDoNothing({ target: outbox.idempotencyKey });
  return rows.length;
}

/** The messages a duplicate's reporter gets at the merge itself, when the master was already answered. */
export function answeredMasterMessages(ctx: Ctx, duplicate: CaseRow, master: CaseRow): OutboxMessage[] {
  if ((master.status !== 'replied' && master.status !== 'closed') || !master.replyText) return [];
  return NOTIFY[duplicate.channel]?.(ctx, duplicate, master, { event: 'replied', text: master.replyText }, `${master.id}:${master.version}`) ?? [];
}
