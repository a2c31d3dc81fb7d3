import { and, eq, lt, sql } from 'drizzle-orm';
import { signInFailures } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';

/**
 * Who may keep guessing. Failures are counted per account and client address:
 * a client that guesses wrong too often is locked out of that account for a
 * growing time, while the member of staff at their own desk is not. The
 * account's failures from every address together only slow each sign-in to that
 * account down (a pause, never a refusal), so that a stranger elsewhere cannot
 * keep staff out of their own account.
 *
 * Rows are keyed by the email as typed (lower-cased), so an email that belongs
 * to nobody is counted, locked and slowed exactly like a real one: neither the
 * answer nor its timing tells which emails are staff.
 */

/** Failures one client may make on one account before that pair locks; each further failure doubles the lock. */
export const FREE_ATTEMPTS = 5;
export const MAX_LOCK_MINUTES = 60;
/** Failures older than this are forgotten (and their rows pruned). */
export const FAILURE_MEMORY_HOURS = 24;
/** Failures on one account, from all addresses, before its sign-ins start to slow down. */
export const SLOW_AFTER = 5;
export const DELAY_STEP_MS = 250;
export const MAX_DELAY_MS = 3000;

export function lockMinutes(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(MAX_LOCK_MINUTES, 2 ** (failures - FREE_ATTEMPTS));
}

/** The pause before an account's sign-in is checked: grows by a step per failure, to a few seconds at most. */
export function accountDelayMs(accountFailures: number): number {
  if (accountFailures < SLOW_AFTER) return 0;
  return Math.min(MAX_DELAY_MS, DELAY_STEP_MS * (accountFailures - SLOW_AFTER + 1));
}

export interface FailureState {
  /** Until when this client may not try this account. */
  lockedUntil: Date | null;
  /** Recent failures on this account from every address. */
  accountFailures: number;
}

/** One statement: this pair's lock and the account's recent failures. */
export async function readFailures(ctx: Ctx, account: string, client: string, now: Date): Promise<FailureState> {
  const [row] = await ctx.db
    .select({
      accountFailures: sql<number>`coalesce(sum(${signInFailures.failures}), 0)::int`,
      lockedUntil: sql<string | null>`max(${signInFailures.lockedUntil}) filter (where ${signInFailures.client} = ${client})`,
    })
    .from(signInFailures)
    .where(and(eq(signInFailures.account, account), sql`${signInFailures.updatedAt} > ${cutoff(now)}::timestamptz`));
  return { accountFailures: Number(row?.accountFailures ?? 0), lockedUntil: row?.lockedUntil ? new Date(row.lockedUntil) : null };
}

/**
 * Counts a failure for this pair and sets its lock, in one atomic statement, so
 * that concurrent guesses from one client are all counted. A pair quiet for
 * longer than the memory starts again from one.
 */
export async function recordFailure(ctx: Ctx, account: string, client: string, now: Date): Promise<number> {
  const at = now.toISOString();
  const next = sql`(case when ${signInFailures.updatedAt} <= ${cutoff(now)}::timestamptz then 1 else ${signInFailures.failures} + 1 end)`;
  const [row] = await ctx.db
    .insert(signInFailures)
    .values({ account, client, failures: 1, lockedUntil: lockUntil(now, 1), updatedAt: now })
    .onConflictDoUpdate({
      target: [signInFailures.account, signInFailures.client],
      set: {
        failures: next,
        lockedUntil: sql`case when ${next} >= ${FREE_ATTEMPTS}
          then ${at}::timestamptz + least(${MAX_LOCK_MINUTES}, power(2, ${next} - ${FREE_ATTEMPTS}))::int * interval '1 minute' end`,
        updatedAt: now,
      },
    })
    .returning({ failures: signInFailures.failures });
  const failures = row?.failures ?? 1;
  // A lock is when the table grows under attack: the moment to forget old rows.
  if (failures >= FREE_ATTEMPTS) await pruneFailures(ctx, now);
  return failures;
}

/** A successful sign-in clears this client's record; the account's other addresses keep theirs. */
export async function clearFailures(ctx: Ctx, account: string, client: string) {
  await ctx.db.delete(signInFailures).where(and(eq(signInFailures.account, account), eq(signInFailures.client, client)));
}

/** Forgets failures past the memory (a lock never outlives it: the longest is an hour). */
export async function pruneFailures(ctx: Ctx, now: Date) {
  await ctx.db.delete(signInFailures).where(lt(signInFailures.updatedAt, new Date(now.getTime() - FAILURE_MEMORY_HOURS * 3600_000)));
}

function lockUntil(now: Date, failures: number): Date | null {
  const minutes = lockMinutes(failures);
  return minutes ? new Date(now.getTime() + minutes * 60_000) : null;
}

const cutoff = (now: Date) => new Date(now.getTime() - FAILURE_MEMORY_HOURS * 3600_000).toISOString();

/** Lifts every lock and forgets every failure on a member's account (an admin set a new password). */
export async function forgetAccountFailures(ctx: Ctx, staffId: string): Promise<void> {
  await ctx.db.execute(sql`
    DELETE FROM sign_in_failures WHERE account = (SELECT lower(email) FROM staff_users WHERE id = ${staffId})`);
}
