import { eq, sql } from 'drizzle-orm';
import { feedSignatures } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { DomainError } from '../../errors.ts';
import { errorCode } from '../../logger.ts';
import { SIGNATURE_TOLERANCE_SECONDS } from './signature.ts';

/**
 * Signed pushes are acted on once. A signature is valid for its timestamp ± 5
 * minutes; within that window the platform may send the very same request
 * again because it never got our answer (a timeout, a dropped connection), and
 * it needs that answer: the tracking codes of the orders it pushed. So the
 * first request claims its signature with a row in `feed_signatures`, in the
 * same transaction as the push's own writes, and stores its answer there; an
 * identical repeat gets that answer again and changes nothing:
 *
 * - across servers, because the database is shared;
 * - two identical requests at once: the second waits on the first's
 *   uncommitted claim, then reads the answer it committed;
 * - a push that fails (an error answer, or a 500: rolled back) leaves no
 *   claim, so resending the very same request runs it again, which is safe
 *   because it changed nothing.
 *
 * The MAC covers the timestamp and the body, so one signature names one body:
 * another body under a used signature fails verification (401) before any of
 * this runs.
 *
 * Claims are kept 10 minutes past their timestamp (the window plus clock skew
 * between servers) and pruned outside the push's transaction, skipping rows
 * another server is pruning, so pushes never queue behind each other here.
 */
export interface SignatureClaim {
  t: number;
  mac: string;
}

export const CLAIM_RETENTION_MS = 2 * SIGNATURE_TOLERANCE_SECONDS * 1000;

export interface StoredAnswer {
  status: number;
  body: unknown;
}

/**
 * Runs a signed push once: claims its signature, runs `push` in the same
 * transaction and stores its answer; a repeat of a claimed signature gets the
 * stored answer with `repeat: true`. A deadlock or serialization failure
 * retries the whole push, claim included.
 */
export async function answerOnce(ctx: Ctx, claim: SignatureClaim, push: (tx: Ctx) => Promise<StoredAnswer>): Promise<StoredAnswer & { repeat: boolean }> {
  await pruneSignatures(ctx);
  return retryingTransaction(ctx, async (tx) => {
    const claimed = await tx.db
      .insert(feedSignatures)
      .values({ mac: claim.mac, signedAt: new Date(claim.t * 1000) })
      .onConflictDoNothing()
      .returning({ mac: feedSignatures.mac });
    if (!claimed.length) return { ...(await storedAnswer(tx, claim.mac)), repeat: true };
    const answer = await push(tx);
    await tx.db.update(feedSignatures).set({ responseStatus: answer.status, responseBody: answer.body }).where(eq(feedSignatures.mac, claim.mac));
    return { ...answer, repeat: false };
  });
}

/** The answer the first request got. A claim without one (kept from before answers were stored) can only be refused. */
async function storedAnswer(tx: Ctx, mac: string): Promise<StoredAnswer> {
  const [row] = await tx.db.select({ status: feedSignatures.responseStatus, body: feedSignatures.responseBody }).from(feedSignatures).where(eq(feedSignatures.mac, mac));
  if (!row || row.status === null) throw new DomainError('invalid_signature', 'feed.signature_replayed', {}, { reason: 'replayed' });
  return { status: row.status, body: row.body };
}

/** A deadlock between overlapping pushes, or a serialization failure: the whole push is retried. */
export function isRetryable(err: unknown): boolean {
  const code = errorCode(err);
  return code === '40P01' || code === '40001';
}

/**
 * Runs `fn` in a transaction, retrying it (up to 4 attempts in all) on a
 * deadlock or serialization failure — unless the caller is already inside a
 * transaction, which cannot be retried from here.
 */
export async function retryingTransaction<T>(ctx: Ctx, fn: (tx: Ctx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTransaction(ctx, fn);
    } catch (err) {
      if (attempt < 4 && !ctx.inTransaction && isRetryable(err)) {
        ctx.logger.warn('12345 push retried', { requestId: ctx.requestId, attempt, code: errorCode(err) });
        continue;
      }
      throw err;
    }
  }
}

/** Drops claims that can no longer verify. Cheap and safe to run on every push. */
export async function pruneSignatures(ctx: Ctx): Promise<void> {
  const cutoff = new Date(ctx.clock.now().getTime() - CLAIM_RETENTION_MS);
  await ctx.db.execute(sql`
    DELETE FROM feed_signatures WHERE mac IN (
      SELECT mac FROM feed_signatures WHERE signed_at < ${cutoff.toISOString()}::timestamptz
      LIMIT 1000 FOR UPDATE SKIP LOCKED)`);
}
