import { sql } from 'drizzle-orm';
import type { Ctx } from '../../context.ts';
import { DomainError } from '../../errors.ts';
import { SIGNATURE_TOLERANCE_SECONDS } from './signature.ts';

/**
 * Replay refusal for signed pushes. A signature is valid for its timestamp ± 5
 * minutes; within that window the same bytes re-sent are answered 401 instead
 * of being processed again. The claim is a row in `feed_signatures`, inserted
 * in the same transaction as the push's own writes:
 *
 * - across servers, because the database is shared;
 * - two identical requests at once: the second waits on the first's
 *   uncommitted key, then is refused when it commits;
 * - a push that fails (500, rolled back) leaves no claim, so resending the very
 *   same request is allowed.
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

/** Claims a signature inside the caller's transaction; a replay throws 401 invalid_signature. */
export async function claimSignature(ctx: Ctx, claim: SignatureClaim): Promise<void> {
  const rows = await ctx.db.execute<{ mac: string }>(sql`
    INSERT INTO feed_signatures (mac, signed_at) VALUES (${claim.mac}, to_timestamp(${claim.t}))
    ON CONFLICT (mac) DO NOTHING RETURNING mac`);
  if (resultRows(rows).length === 0) throw new DomainError('invalid_signature', 'feed.signature_replayed', {}, { reason: 'replayed' });
}

/** Drops claims that can no longer verify. Cheap and safe to run on every push. */
export async function pruneSignatures(ctx: Ctx): Promise<void> {
  const cutoff = new Date(ctx.clock.now().getTime() - CLAIM_RETENTION_MS);
  await ctx.db.execute(sql`
    DELETE FROM feed_signatures WHERE mac IN (
      SELECT mac FROM feed_signatures WHERE signed_at < ${cutoff.toISOString()}::timestamptz
      LIMIT 1000 FOR UPDATE SKIP LOCKED)`);
}

/** postgres.js answers an array, PGlite an object with rows. */
export function resultRows<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
}
