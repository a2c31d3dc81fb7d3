import { type SQL, sql } from 'drizzle-orm';
import { outbox } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { TWILIO_LOOKUP_MAX_PAGES } from '../../providers/twilio.ts';
import type { SendResult } from '../../providers/types.ts';
import { renderEmail, renderSms } from '../messages/templates.ts';
import type { Providers } from './providers.ts';
import { suppressionReasons } from './suppress.ts';

/**
 * Delivers due outbox rows. Rows are claimed in one statement (FOR UPDATE SKIP
 * LOCKED, status → sending, attempts + 1, a lease), so two delivery jobs never
 * take the same row; a row whose sender died is taken again when its lease
 * runs out. Failures back off exponentially with jitter (or as long as the
 * provider's Retry-After asks); after the last attempt, or on an error that
 * retrying cannot fix, the row is dead — admins see it and may retry it.
 *
 * Sent once: an attempt that ended without knowing whether the provider took
 * the message (timeout, reset, 5xx, or a sender that died holding the lease)
 * marks the row `unconfirmed_since`. Twilio does not deduplicate, so before
 * such an SMS goes out again the provider is asked whether it already has it;
 * if so its id is recorded and nothing is sent. Resend and the 12345 platform
 * drop a repeat of the row's idempotency key themselves.
 */
export interface DeliveryResult {
  sent: number;
  failed: number;
  dead: number;
  suppressed: number;
  /** Claimed but not tried before `stop` fired: handed back, due at once. */
  released: number;
  /** Subrequests set aside for the rows claimed (each at its most): at most the run's `subrequests`. */
  reserved: number;
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
type Outcome = {
  id: number;
  status: Row['status'];
  provider: string | null;
  providerMessageId: string | null;
  lastError: string | null;
  nextAttemptAt: Date;
  sentAt: Date | null;
  unconfirmedSince: Date | null;
};

export interface DeliveryOptions {
  batchSize?: number;
  concurrency?: number;
  maxBatches?: number;
  /**
   * Stop taking rows when this fires (the scheduled run's time budget): sends in
   * flight finish, bounded by the provider timeout; rows not yet tried go back.
   */
  stop?: AbortSignal;
  /**
   * Workers: the provider calls (subrequests) this run may make. Rows are
   * claimed only while the calls they may need fit, so a row beyond the budget
   * is never claimed: its attempts, status and next try stay as they were.
   * Unset (Node): no limit.
   */
  subrequests?: number;
}

/**
 * The most calls one row can make: a send, or for an SMS whose earlier attempt
 * is unconfirmed, the lookup (every page it may read, then the unsent query)
 * and the send. Email (Resend) and 12345 callbacks are one call each.
 */
export function subrequestsFor(row: { channel: Row['channel']; unconfirmedSince: Date | null }, providers: Providers): number {
  return row.channel === 'sms' && row.unconfirmedSince && providers.sms.find ? TWILIO_LOOKUP_MAX_PAGES + 2 : 1;
}

export async function deliverOutbox(ctx: Ctx, providers: Providers, options: DeliveryOptions = {}): Promise<DeliveryResult> {
  const total: DeliveryResult = { sent: 0, failed: 0, dead: 0, suppressed: 0, released: 0, reserved: 0 };
  const batchSize = options.batchSize ?? 500;
  const lookupCost = subrequestsFor({ channel: 'sms', unconfirmedSince: new Date(0) }, providers);
  for (let i = 0; i < (options.maxBatches ?? 50) && !options.stop?.aborted; i++) {
    const budget = options.subrequests === undefined ? undefined : options.subrequests - total.reserved;
    if (budget !== undefined && budget < 1) break;
    const rows = await claim(ctx, batchSize, budget === undefined ? undefined : { budget, lookupCost });
    total.reserved += rows.reduce((sum, row) => sum + subrequestsFor(row, providers), 0);
    if (!rows.length) break;
    // Providers answer in tens to hundreds of milliseconds: many sends in flight keep the pipe full.
    const outcomes = await sendAll(ctx, providers, rows, options.concurrency ?? 32, options.stop);
    const done = outcomes.filter((o): o is Outcome => o !== undefined);
    const untried = rows.filter((_, index) => outcomes[index] === undefined).map((r) => r.id);
    await record(ctx, done, untried);
    total.released += untried.length;
    for (const o of done) {
      if (o.status === 'sent') total.sent++;
      else if (o.status === 'dead') total.dead++;
      else if (o.status === 'suppressed') total.suppressed++;
      else total.failed++;
    }
    // A short batch: nothing more is due, or nothing more fits the budget.
    if (rows.length < batchSize) break;
  }
  if (total.failed + total.dead > 0) ctx.logger.warn('outbox delivery had failures', { ...total });
  return total;
}

async function claim(ctx: Ctx, limit: number, subrequests?: { budget: number; lookupCost: number }): Promise<Row[]> {
  const now = ctx.clock.now();
  const lease = new Date(now.getTime() + LEASE_SECONDS * 1000);
  const due = (columns: SQL) => sql`
    SELECT ${columns} FROM outbox
    WHERE status IN ('pending', 'failed', 'sending') AND next_attempt_at <= ${now.toISOString()}::timestamptz
    ORDER BY next_attempt_at, id
    LIMIT ${subrequests ? Math.min(limit, subrequests.budget) : limit}
    FOR UPDATE SKIP LOCKED`;
  // Within a budget: the due rows in order, as long as their calls (counted as
  // subrequestsFor counts them after the claim) add up to no more than it. The
  // rows locked here but not taken are let go when the statement ends.
  const ids = subrequests
    ? sql`
    WITH due AS (${due(sql`id, next_attempt_at, channel, status, unconfirmed_since`)}), costed AS (
      SELECT id, sum(CASE WHEN channel = 'sms' AND (unconfirmed_since IS NOT NULL OR status = 'sending') THEN ${subrequests.lookupCost}::int ELSE 1 END)
        OVER (ORDER BY next_attempt_at, id) AS spent
      FROM due)
    SELECT id FROM costed WHERE spent <= ${subrequests.budget}::int`
    : due(sql`id`);
  const rows = await ctx.db
    .update(outbox)
    .set({
      status: 'sending',
      attempts: sql`${outbox.attempts} + 1`,
      nextAttemptAt: lease,
      // Still 'sending' means its sender died while the lease ran: it may have sent, from when the lease began.
      unconfirmedSince: sql`CASE WHEN ${outbox.status} = 'sending'
        THEN coalesce(${outbox.unconfirmedSince}, ${outbox.nextAttemptAt} - make_interval(secs => ${LEASE_SECONDS}))
        ELSE ${outbox.unconfirmedSince} END`,
    })
    .where(sql`${outbox.id} in (${ids})`)
    .returning();
  // RETURNING keeps no order: send in the order the rows were written.
  return rows.sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id);
}

async function sendAll(ctx: Ctx, providers: Providers, rows: Row[], concurrency: number, stop: AbortSignal | undefined): Promise<(Outcome | undefined)[]> {
  const suppressed = await suppressionReasons(ctx, rows);
  const outcomes: (Outcome | undefined)[] = new Array(rows.length).fill(undefined);
  // Past half the lease no new send starts: one in flight ends within the provider
  // timeout, long before another job may claim the row again.
  const takeUntil = ctx.clock.now().getTime() + (LEASE_SECONDS * 1000) / 2;
  let next = 0;
  const worker = async () => {
    while (next < rows.length && !stop?.aborted && ctx.clock.now().getTime() < takeUntil) {
      const index = next++;
      const row = rows[index]!;
      const reason = suppressed.get(row.id);
      outcomes[index] = reason
        ? outcome(ctx, row, { forced: 'suppressed', provider: null, result: { ok: false, retryable: false, error: reason }, at: ctx.clock.now() })
        : await sendOne(ctx, providers, row);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
  return outcomes;
}

async function sendOne(ctx: Ctx, providers: Providers, row: Row): Promise<Outcome> {
  const base = ctx.config.publicBaseUrl;
  const lang = row.lang === 'en' ? 'en' : 'zh-CN';
  const at = ctx.clock.now();
  try {
    if (row.channel === 'sms') {
      const body = renderSms(row.template, lang, row.payload, base);
      const sms = providers.sms;
      let lookedUp = false;
      if (row.unconfirmedSince && sms.find) {
        const found = await sms.find({ to: row.recipient, body, since: row.unconfirmedSince });
        if (!found.ok) {
          // Sending blind could be the second copy: try the lookup again later.
          const result: SendResult = {
            ok: false,
            retryable: true,
            error: `earlier attempt not confirmed: ${found.error}`,
            ...(found.retryAfterMs !== undefined ? { retryAfterMs: found.retryAfterMs } : {}),
          };
          return outcome(ctx, row, { provider: sms.name, result, at });
        }
        if (found.providerMessageId) {
          ctx.logger.info('outbox send confirmed by lookup', { outboxId: row.id, provider: sms.name });
          return outcome(ctx, row, { provider: sms.name, result: { ok: true, providerMessageId: found.providerMessageId }, at });
        }
        lookedUp = true;
      }
      const result = await sms.send({ to: row.recipient, body, idempotencyKey: row.idempotencyKey, statusCallback: `${base}/webhooks/twilio/status` });
      return outcome(ctx, row, { provider: sms.name, result, at, lookedUp });
    }
    if (row.channel === 'email') {
      const rendered = renderEmail(row.template, lang, row.payload, base);
      const result = await providers.email.send({ to: row.recipient, ...rendered, idempotencyKey: row.idempotencyKey });
      return outcome(ctx, row, { provider: providers.email.name, result, at });
    }
    const result = await providers.callback(ctx, row);
    return outcome(ctx, row, { provider: row.recipient === 'local' ? 'local' : 'http', result, at });
  } catch (err) {
    // A template that cannot render will not render next time either.
    return outcome(ctx, row, { provider: null, result: { ok: false, retryable: false, error: (err as Error).message }, at });
  }
}

function outcome(ctx: Ctx, row: Row, o: { forced?: Row['status']; provider: string | null; result: SendResult; at: Date; lookedUp?: boolean }): Outcome {
  const now = ctx.clock.now();
  const { result } = o;
  if (result.ok) {
    return { id: row.id, status: 'sent', provider: o.provider, providerMessageId: result.providerMessageId, lastError: null, nextAttemptAt: now, sentAt: now, unconfirmedSince: null };
  }
  const status = o.forced ?? (!result.retryable || row.attempts >= ctx.config.outboxMaxAttempts ? 'dead' : 'failed');
  const wait = Math.max(backoffMs(row.attempts), Math.min(result.retryAfterMs ?? 0, MAX_DELAY_MS));
  const nextAttemptAt = status === 'failed' ? new Date(now.getTime() + wait) : now;
  // A lookup that found nothing settles the earlier attempt; this attempt's own doubt starts when it began.
  const earlier = o.lookedUp ? null : row.unconfirmedSince;
  const unconfirmedSince = result.ambiguous ? (earlier ?? o.at) : earlier;
  if (result.ambiguous) ctx.logger.warn('outbox send unconfirmed', { outboxId: row.id, provider: o.provider });
  return { id: row.id, status, provider: o.provider, providerMessageId: null, lastError: result.error.slice(0, 500), nextAttemptAt, sentAt: null, unconfirmedSince };
}

async function record(ctx: Ctx, outcomes: Outcome[], untried: number[]) {
  if (outcomes.length) {
    const values = outcomes.map(
      (o) =>
        sql`(${o.id}::bigint, ${o.status}::outbox_status, ${o.provider}::text, ${o.providerMessageId}::text, ${o.lastError}::text, ${o.nextAttemptAt.toISOString()}::timestamptz, ${o.sentAt?.toISOString() ?? null}::timestamptz, ${o.unconfirmedSince?.toISOString() ?? null}::timestamptz)`,
    );
    await ctx.db.execute(sql`
      UPDATE outbox SET status = v.status, provider = v.provider, provider_message_id = v.pmid, last_error = v.err,
        next_attempt_at = v.next_at, sent_at = v.sent_at, unconfirmed_since = v.unconfirmed
      FROM (VALUES ${sql.join(values, sql`, `)}) AS v(id, status, provider, pmid, err, next_at, sent_at, unconfirmed)
      WHERE outbox.id = v.id`);
  }
  if (untried.length) {
    // Never tried in this run: the claim's attempt is given back and the row is due at once.
    await ctx.db.execute(sql`
      UPDATE outbox SET status = 'pending', attempts = attempts - 1, next_attempt_at = ${ctx.clock.now().toISOString()}::timestamptz
      WHERE id IN (${sql.join(
        untried.map((id) => sql`${id}::bigint`),
        sql`, `,
      )}) AND status = 'sending'`);
  }
}
