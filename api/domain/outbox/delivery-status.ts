import { and, eq, type SQL, sql } from 'drizzle-orm';
import { outbox, webhookReceipts } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';

/*
 * What a provider later says about a message it took (Twilio status callback,
 * Resend event). It never re-sends: a bounced email or an undelivered SMS is
 * recorded on the row for the office to see.
 *
 * Providers call back out of order and more than once, so a report only
 * replaces the recorded one when it is newer: the office must never read
 * "delivered" for an email that bounced because the delivered event came late.
 */

const DELIVERED = new Set(['delivered', 'read']);
const FAILED = new Set(['failed', 'undelivered', 'bounced', 'complained', 'delivery_delayed']);

/**
 * How far along its way an SMS is. Twilio's callbacks carry no time, so the
 * rank alone orders them: queued < sending < sent < a final answer (delivered,
 * undelivered, failed), and a status never gives way to one of lower or equal rank.
 */
const SMS_RANK: Record<string, number> = {
  accepted: 0,
  scheduled: 0,
  queued: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  undelivered: 3,
  failed: 3,
  canceled: 3,
  partially_delivered: 3,
  read: 4,
};

/**
 * Resend's events carry their own time, which orders them. The rank breaks a
 * tie of equal times (the svix-timestamp fallback has whole seconds only).
 */
const EMAIL_RANK: Record<string, number> = {
  scheduled: 0,
  sent: 1,
  delivery_delayed: 2,
  delivered: 3,
  opened: 4,
  clicked: 5,
  bounced: 6,
  failed: 6,
  suppressed: 6,
  complained: 7,
};
/**
 * The end of an email's story: the address is dead, refused it, or its owner
 * marked us as spam. A later open, click or delivery report never hides that
 * from the office; only another of these may replace it.
 */
const EMAIL_FINAL = ['bounced', 'failed', 'suppressed', 'complained'];

/** An unknown status ranks below every known one: it is recorded only while nothing better is. */
const rankOf = (ranks: Record<string, number>, column: SQL | typeof outbox.deliveryStatus) => sql`coalesce((${JSON.stringify(ranks)}::jsonb ->> ${column})::int, -1)`;

export type DeliveryOutcome = 'recorded' | 'older' | 'unknown_message' | 'repeat';

interface StatusReport {
  providerMessageId: string;
  status: string;
  error?: string | undefined;
}

/** A Twilio status callback: recorded when it moves the message further along. */
export async function recordDeliveryStatus({ ctx, input }: { ctx: Ctx; input: StatusReport }): Promise<DeliveryOutcome> {
  const status = input.status.toLowerCase();
  const rank = SMS_RANK[status] ?? -1;
  const newer = sql`${rankOf(SMS_RANK, outbox.deliveryStatus)} < ${rank}`;
  return applyStatus(ctx, { ...input, status, at: ctx.clock.now() }, newer);
}

export interface ResendEvent extends StatusReport {
  /** The svix-id: the same event redelivered carries the same one. */
  eventId: string;
  /** When Resend says the event happened (its payload's created_at, else the svix-timestamp). */
  at: Date;
}

/**
 * A Resend event, acted on once: its svix-id is remembered in the same
 * transaction as its effect, so a redelivery (within the signature window, or
 * Svix's retries over the following day) is acknowledged and changes nothing,
 * and two copies arriving at once meet on the receipt's key (the second waits
 * for the first to commit, then sees it).
 */
export async function recordResendEvent({ ctx, input }: { ctx: Ctx; input: ResendEvent }): Promise<DeliveryOutcome> {
  await pruneReceipts(ctx);
  const status = input.status.toLowerCase();
  const final = EMAIL_FINAL.includes(status);
  const at = input.at.toISOString();
  const newer = sql`(${
    final
      ? sql`true`
      : sql`${outbox.deliveryStatus} IS NULL OR ${outbox.deliveryStatus} NOT IN (${sql.join(
          EMAIL_FINAL.map((s) => sql`${s}`),
          sql`, `,
        )})`
  })
    AND (${outbox.deliveryStatusAt} IS NULL OR ${outbox.deliveryStatusAt} < ${at}::timestamptz
      OR (${outbox.deliveryStatusAt} = ${at}::timestamptz AND ${rankOf(EMAIL_RANK, outbox.deliveryStatus)} < ${EMAIL_RANK[status] ?? -1}))`;
  return withTransaction(ctx, async (tx) => {
    const first = await tx.db
      .insert(webhookReceipts)
      .values({ provider: 'resend', eventId: input.eventId, receivedAt: tx.clock.now() })
      .onConflictDoNothing()
      .returning({ eventId: webhookReceipts.eventId });
    if (!first.length) return 'repeat';
    return applyStatus(tx, { ...input, status }, newer);
  });
}

/** One statement, so two reports racing for a row are ordered by the row lock, the later one re-checking `newer`. */
async function applyStatus(ctx: Ctx, input: StatusReport & { at: Date }, newer: SQL): Promise<DeliveryOutcome> {
  const { status } = input;
  const rows = await ctx.db
    .update(outbox)
    .set({
      deliveryStatus: status,
      deliveryStatusAt: input.at,
      ...(DELIVERED.has(status) ? { deliveredAt: input.at } : {}),
      ...(FAILED.has(status) && input.error ? { lastError: input.error.slice(0, 500) } : {}),
    })
    .where(and(eq(outbox.providerMessageId, input.providerMessageId), sql`(${newer})`))
    .returning({ id: outbox.id });
  if (rows.length) return 'recorded';
  const [known] = await ctx.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.providerMessageId, input.providerMessageId)).limit(1);
  if (known) return 'older';
  ctx.logger.warn('delivery status for an unknown message', { providerMessageId: input.providerMessageId, status });
  return 'unknown_message';
}

/** Svix retries an event for about a day; a week of receipts covers that with room. */
export const RECEIPT_RETENTION_MS = 7 * 24 * 3600_000;

/**
 * Drops receipts past their week, a bounded batch per event, skipping rows
 * another server is pruning: an index probe that finds nothing on most calls.
 */
async function pruneReceipts(ctx: Ctx): Promise<void> {
  const cutoff = new Date(ctx.clock.now().getTime() - RECEIPT_RETENTION_MS).toISOString();
  await ctx.db.execute(sql`
    DELETE FROM webhook_receipts WHERE (provider, event_id) IN (
      SELECT provider, event_id FROM webhook_receipts WHERE received_at < ${cutoff}::timestamptz
      LIMIT 200 FOR UPDATE SKIP LOCKED)`);
}
