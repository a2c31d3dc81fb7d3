import { inArray, sql } from 'drizzle-orm';
import { outbox, smsOptOuts } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import type { SendResult } from '../../providers/types.ts';
import { renderEmail, renderSms } from '../messages/templates.ts';
import type { Providers } from './providers.ts';

/**
 * Delivers due outbox rows. Rows are claimed in one statement (FOR UPDATE SKIP
 * LOCKED, status → sending, attempts + 1, a lease), so two delivery jobs never
 * take the same row; a row whose sender died is taken again when its lease
 * runs out, and the provider's idempotency key (one per row) stops a second
 * message. Failures back off exponentially with jitter; after the last attempt,
 * or on an error that retrying cannot fix, the row is dead — admins see it and
 * may retry it.
 */
export interface DeliveryResult {
  sent: number;
  failed: number;
  dead: number;
  suppressed: number;
}

const LEASE_SECONDS = 300;
const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 6 * 3600_000;

export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  // "Equal jitter": at least half the ceiling, so retries spread without collapsing to zero.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

type Row = typeof outbox.$inferSelect;
type Outcome = { id: number; status: Row['status']; provider: string | null; providerMessageId: string | null; lastError: string | null; nextAttemptAt: Date; sentAt: Date | null };

export async function deliverOutbox(
  ctx: Ctx,
  providers: Providers,
  options: { batchSize?: number; concurrency?: number; maxBatches?: number } = {},
): Promise<DeliveryResult> {
  const total: DeliveryResult = { sent: 0, failed: 0, dead: 0, suppressed: 0 };
  const batchSize = options.batchSize ?? 500;
  for (let i = 0; i < (options.maxBatches ?? 50); i++) {
    const rows = await claim(ctx, batchSize);
    if (!rows.length) break;
    // Providers answer in tens to hundreds of milliseconds: many sends in flight keep the pipe full.
    const outcomes = await sendAll(ctx, providers, rows, options.concurrency ?? 32);
    await record(ctx, outcomes);
    for (const o of outcomes) {
      if (o.status === 'sent') total.sent++;
      else if (o.status === 'dead') total.dead++;
      else if (o.status === 'suppressed') total.suppressed++;
      else total.failed++;
    }
    if (rows.length < batchSize) break;
  }
  if (total.failed + total.dead > 0) ctx.logger.warn('outbox delivery had failures', { ...total });
  return total;
}

async function claim(ctx: Ctx, limit: number): Promise<Row[]> {
  const now = ctx.clock.now();
  const lease = new Date(now.getTime() + LEASE_SECONDS * 1000);
  const ids = sql`
    SELECT id FROM outbox
    WHERE status IN ('pending', 'failed', 'sending') AND next_attempt_at <= ${now.toISOString()}::timestamptz
    ORDER BY next_attempt_at, id
    LIMIT ${limit}
    FOR UPDATE SKIP LOCKED`;
  return ctx.db
    .update(outbox)
    .set({ status: 'sending', attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: lease })
    .where(sql`${outbox.id} in (${ids})`)
    .returning();
}

async function sendAll(ctx: Ctx, providers: Providers, rows: Row[], concurrency: number): Promise<Outcome[]> {
  const smsRecipients = [...new Set(rows.filter((r) => r.channel === 'sms').map((r) => r.recipient))];
  const optedOut = new Set(
    smsRecipients.length
      ? (await ctx.db.select({ phone: smsOptOuts.phone }).from(smsOptOuts).where(inArray(smsOptOuts.phone, smsRecipients))).map((o) => o.phone)
      : [],
  );
  const outcomes: Outcome[] = new Array(rows.length);
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const index = next++;
      const row = rows[index]!;
      outcomes[index] = optedOut.has(row.recipient) && row.channel === 'sms'
        ? outcome(ctx, row, 'suppressed', null, { ok: false, retryable: false, error: 'recipient opted out (STOP)' })
        : await sendOne(ctx, providers, row);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
  return outcomes;
}

async function sendOne(ctx: Ctx, providers: Providers, row: Row): Promise<Outcome> {
  const base = ctx.config.publicBaseUrl;
  const lang = row.lang === 'en' ? 'en' : 'zh-CN';
  try {
    if (row.channel === 'sms') {
      const body = renderSms(row.template, lang, row.payload, base);
      const result = await providers.sms.send({ to: row.recipient, body, idempotencyKey: row.idempotencyKey, statusCallback: `${base}/webhooks/twilio/status` });
      return outcome(ctx, row, null, providers.sms.name, result);
    }
    if (row.channel === 'email') {
      const rendered = renderEmail(row.template, lang, row.payload, base);
      const result = await providers.email.send({ to: row.recipient, ...rendered, idempotencyKey: row.idempotencyKey });
      return outcome(ctx, row, null, providers.email.name, result);
    }
    const result = await providers.callback(ctx, row);
    return outcome(ctx, row, null, row.recipient === 'local' ? 'local' : 'http', result);
  } catch (err) {
    // A template that cannot render will not render next time either.
    return outcome(ctx, row, null, null, { ok: false, retryable: false, error: (err as Error).message });
  }
}

function outcome(ctx: Ctx, row: Row, forced: Row['status'] | null, provider: string | null, result: SendResult): Outcome {
  const now = ctx.clock.now();
  if (result.ok) {
    return { id: row.id, status: 'sent', provider, providerMessageId: result.providerMessageId, lastError: null, nextAttemptAt: now, sentAt: now };
  }
  const status = forced ?? (!result.retryable || row.attempts >= ctx.config.outboxMaxAttempts ? 'dead' : 'failed');
  const nextAttemptAt = status === 'failed' ? new Date(now.getTime() + backoffMs(row.attempts)) : now;
  return { id: row.id, status, provider, providerMessageId: null, lastError: result.error.slice(0, 500), nextAttemptAt, sentAt: null };
}

async function record(ctx: Ctx, outcomes: Outcome[]) {
  const values = outcomes.map(
    (o) =>
      sql`(${o.id}::bigint, ${o.status}::outbox_status, ${o.provider}::text, ${o.providerMessageId}::text, ${o.lastError}::text, ${o.nextAttemptAt.toISOString()}::timestamptz, ${o.sentAt?.toISOString() ?? null}::timestamptz)`,
  );
  await ctx.db.execute(sql`
    UPDATE outbox SET status = v.status, provider = v.provider, provider_message_id = v.pmid, last_error = v.err,
      next_attempt_at = v.next_at, sent_at = v.sent_at
    FROM (VALUES ${sql.join(values, sql`, `)}) AS v(id, status, provider, pmid, err, next_at, sent_at)
    WHERE outbox.id = v.id`);
}
