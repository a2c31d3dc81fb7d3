import { and, eq, inArray, sql } from 'drizzle-orm';
import { caseEvents, cases, outbox } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import type { Channel } from '../../contract/enums.ts';
import { type CaseRow, callback12345, citizenMessages, type OutboxMessage } from './transition.ts';

/**
 * What the reporters of duplicates hear when their master case moves. A merged
 * case is closed, but its reporter still waits for an answer: the master's.
 * The rule is general: a case whose `masterCaseId` is set follows its master
 * (a duplicate merged by a dispatcher, a supporter joining at filing), and a
 * master merged in turn passes its followers on to its own master.
 *
 * Each channel says how its reporters are told (`NOTIFY`): a 12345 order through
 * its platform (the order's own callback; the platform runs its own follow-up);
 * every other channel as a main reporter is told, on the follower's own phone
 * and email, under the follower's own tracking code: the reply, then an hour
 * later the survey (their rating is recorded on their own case, which is merged
 * and so stays out of the published figures: the main case counts once).
 * A reopened master tells its followers nothing more than it tells its own
 * reporter: they hear its next reply, and are surveyed again.
 */
export type MasterStep = { event: 'replied'; text: string };

/** As after a main reporter's reply (reply.ts): the survey waits an hour. */
export const SURVEY_DELAY_MS = 3600_000;

type Notify = (ctx: Ctx, follower: CaseRow, master: CaseRow, step: MasterStep, key: string) => OutboxMessage[];

const byPlatform: Notify = (ctx, follower, master, step, key) => callback12345(ctx, follower, step.event, `${follower.id}:master:${key}`, { text: step.text, ...masterNames(master) });

const asMainReporter: Notify = (ctx, follower, _master, step, key) => {
  const own = `${follower.id}:master:${key}`;
  const surveyAt = new Date(ctx.clock.now().getTime() + SURVEY_DELAY_MS);
  return [...citizenMessages(follower, 'reply', own, { text: step.text }), ...citizenMessages(follower, 'survey', own, {}).map((m) => ({ ...m, notBefore: surveyAt }))];
};

const NOTIFY: Record<Channel, Notify> = {
  '12345': byPlatform,
  web: asMainReporter,
  sms: asMainReporter,
  open311: asMainReporter,
  phone: asMainReporter,
  walk_in: asMainReporter,
  box: asMainReporter,
  petition: asMainReporter,
};

/** How a callback names the master: its tracking code, and its order number when it is a 12345 order too. */
export function masterNames(master: Pick<CaseRow, 'trackingCode' | 'channel' | 'externalRef'>) {
  return { masterTrackingCode: master.trackingCode, ...(master.channel === '12345' && master.externalRef ? { masterOrderNo: master.externalRef } : {}) };
}

/** Masters merged into masters: a chain longer than this is not followed (merge never makes one this long). */
const MAX_CHAIN = 8;

/**
 * The case a follower follows: its master's master, and so on, to the first
 * case that is not merged. Undefined when `row` follows nobody.
 */
export async function mainCaseOf(ctx: Ctx, row: Pick<CaseRow, 'id' | 'status' | 'masterCaseId'>): Promise<CaseRow | undefined> {
  if (row.status !== 'merged' || !row.masterCaseId) return undefined;
  let id: string | null = row.masterCaseId;
  for (let hop = 0; id && hop < MAX_CHAIN; hop++) {
    const [master]: CaseRow[] = await ctx.db.select().from(cases).where(eq(cases.id, id));
    if (!master) return undefined;
    if (master.status !== 'merged' || !master.masterCaseId) return master;
    id = master.masterCaseId;
  }
  return undefined;
}

/**
 * Every case following `master`, directly or through a master merged into it.
 * Found through each master's `duplicate_merged` events (the timeline's index;
 * `cases.master_case_id` has none), not by a scan of all merged cases: whatever
 * makes a follower (a merge, a supporter joining at filing) writes that event
 * on the master, `{ duplicate: <the follower's tracking code> }`, beside
 * setting the follower's `masterCaseId` and status `merged`.
 */
export async function followersOf(ctx: Ctx, master: Pick<CaseRow, 'id'>): Promise<CaseRow[]> {
  const found: CaseRow[] = [];
  const seen = new Set([master.id]);
  let level = [master.id];
  for (let hop = 0; level.length && hop < MAX_CHAIN; hop++) {
    const merged = await ctx.db
      .select({ masterId: caseEvents.caseId, code: sql<string>`${caseEvents.data}->>'duplicate'` })
      .from(caseEvents)
      .where(and(inArray(caseEvents.caseId, level), eq(caseEvents.type, 'duplicate_merged')));
    const codes = [...new Set(merged.map((m) => m.code).filter((c): c is string => typeof c === 'string'))];
    if (!codes.length) break;
    const rows = await ctx.db
      .select()
      .from(cases)
      .where(and(inArray(cases.trackingCode, codes), inArray(cases.masterCaseId, level), eq(cases.status, 'merged')));
    const next = rows.filter((r) => !seen.has(r.id));
    for (const r of next) seen.add(r.id);
    found.push(...next);
    level = next.map((r) => r.id);
  }
  return found;
}

/**
 * Queues the messages for the reporters of every case following `master`,
 * each on the follower's own outbox row (its timeline is where staff look for
 * it). `key` names the master's step (e.g. its id and version at the reply).
 * `from`: whose followers (by default the master's; a case being merged into
 * an answered master passes its own followers on).
 */
export async function tellMergedReporters(ctx: Ctx, master: CaseRow, step: MasterStep, key: string, from: Pick<CaseRow, 'id'> = master): Promise<number> {
  const followers = await followersOf(ctx, from);
  if (!followers.length) return 0;
  const now = ctx.clock.now();
  const rows = followers.flatMap((d) => NOTIFY[d.channel](ctx, d, master, step, key).map(({ notBefore, ...m }) => ({ ...m, caseId: d.id, nextAttemptAt: notBefore ?? now })));
  if (rows.length) await ctx.db.insert(outbox).values(rows).onConflictDoNothing({ target: outbox.idempotencyKey });
  return rows.length;
}

/** The messages a duplicate's reporter gets at the merge itself, when the master was already answered. */
export function answeredMasterMessages(ctx: Ctx, duplicate: CaseRow, master: CaseRow): OutboxMessage[] {
  const step = answeredStep(master);
  return step ? NOTIFY[duplicate.channel](ctx, duplicate, master, step, `${master.id}:${master.version}`) : [];
}

/** The master's answer as a step to pass on, when it has one. */
export function answeredStep(master: CaseRow): MasterStep | undefined {
  if ((master.status !== 'replied' && master.status !== 'closed') || !master.replyText) return undefined;
  return { event: 'replied', text: master.replyText };
}
