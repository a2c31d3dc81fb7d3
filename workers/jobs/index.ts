import { sql } from 'drizzle-orm';
import type { Ctx } from '../../api/context.ts';
import { describeError, errorCode } from '../../api/logger.ts';
import { jobRuns } from '../../db/schema.ts';
import { bulletins } from './bulletins.ts';
import { deadlineSweep } from './deadline-sweep.ts';
import { outboxDelivery, outboxQueueConsumer } from './deliver-outbox.ts';
import { photoRetention } from './photo-retention.ts';
import { statsFold } from './stats-fold.ts';
import { surveyReminders } from './survey-reminders.ts';

/**
 * The background jobs, as plain modules over the domain context. The Node
 * scheduler, the Worker's Cron Trigger and Queue consumer, and tests all call
 * them through this registry, so a job never knows which runtime it is on.
 * Nothing here may import Node-only or Workers-only modules.
 */

export interface ScheduledJob {
  /** Cron expressions the job runs on; omitted means every tick. */
  crons?: readonly string[];
  run(ctx: Ctx, cron: string): Promise<void>;
}

/** The runtime-neutral shape of a queue batch (a Workers MessageBatch fits it). */
export interface QueueBatchLike {
  queue: string;
  messages: readonly { id: string; body: unknown; ack(): void; retry(): void }[];
}

/** Consumes a whole batch at once (the bodies in order): one call per invocation. */
export type QueueConsumer = (ctx: Ctx, bodies: readonly unknown[]) => Promise<void>;

/**
 * Every minute, in this order: the deadline sweep first, so that nothing slow
 * (a provider that does not answer) can delay an escalation (督办); outbox
 * delivery last, time-bounded.
 */
export const jobs: Readonly<Record<string, ScheduledJob>> = {
  'deadline-sweep': deadlineSweep,
  'survey-reminders': surveyReminders,
  // The figures first, so that the bulletins read current rollups.
  'stats-fold': statsFold,
  bulletins,
  'photo-retention': photoRetention,
  // Last, so that what the others queued goes out in the same tick.
  'outbox-delivery': outboxDelivery,
};

/** Queue name → consumer: a batch on the outbox queue is a nudge to deliver now, once. */
export const queueConsumers: Readonly<Record<string, QueueConsumer>> = {
  'station-hotline-outbox': outboxQueueConsumer(),
};

/**
 * Runs every job due on `cron` and returns their names. One failing job does not
 * stop the others; the failures are rethrown together at the end so the
 * invocation is marked failed and retried on the next tick.
 */
export async function runScheduledJobs(ctx: Ctx, cron: string, registry: Readonly<Record<string, ScheduledJob>> = jobs): Promise<string[]> {
  const ran: string[] = [];
  const errors: unknown[] = [];
  for (const [name, job] of Object.entries(registry)) {
    if (job.crons && !job.crons.includes(cron)) continue;
    ran.push(name);
    await recordJobRun(ctx, name, 'started');
    try {
      await job.run(ctx, cron);
      await recordJobRun(ctx, name, 'ok');
    } catch (err) {
      // The name and code only: a failed statement's message can quote its parameters.
      ctx.logger.error('job failed', { job: name, requestId: ctx.requestId, ...describeError(err) });
      await recordJobRun(ctx, name, 'failed', err);
      errors.push(err);
    }
  }
  if (errors.length) throw new AggregateError(errors, `${errors.length} scheduled job(s) failed`);
  return ran;
}

/**
 * Notes a job's run in `job_runs` (one row per job: the last start, the last
 * end and how it went, the last success), which the admin health page reads.
 * Never fails the job: a database too sick to take the note fails the job itself.
 * The error kept is its name and code, never its message (it can quote data).
 */
async function recordJobRun(ctx: Ctx, job: string, phase: 'started' | 'ok' | 'failed', err?: unknown): Promise<void> {
  const now = ctx.clock.now();
  try {
    if (phase === 'started') {
      await ctx.db
        .insert(jobRuns)
        .values({ job, startedAt: now, runs: 1 })
        .onConflictDoUpdate({ target: jobRuns.job, set: { startedAt: now, runs: sql`${jobRuns.runs} + 1` } });
      return;
    }
    const ok = phase === 'ok';
    const described = describeError(err);
    const error = ok ? null : [described.error, errorCode(err)].filter(Boolean).join(' ').slice(0, 200);
    await ctx.db
      .update(jobRuns)
      .set({ finishedAt: now, ok, error, ...(ok ? { lastOkAt: now } : {}) })
      .where(sql`${jobRuns.job} = ${job}`);
  } catch (recordErr) {
    ctx.logger.warn('job run not recorded', { job, phase, requestId: ctx.requestId, ...describeError(recordErr) });
  }
}

/**
 * Hands the batch to its queue's consumer in one call: ack every message on
 * success, retry every one on failure (the queue's backoff and max_retries
 * apply). A queue without a consumer is acked and logged: messages are only
 * nudges, the outbox table stays the record and the cron safety net delivers
 * what is left.
 */
export async function runQueueBatch(ctx: Ctx, batch: QueueBatchLike, consumers: Readonly<Record<string, QueueConsumer>> = queueConsumers): Promise<{ acked: number; retried: number }> {
  const consume = consumers[batch.queue];
  if (!consume) {
    ctx.logger.warn('no consumer for queue; messages dropped', { queue: batch.queue, count: batch.messages.length });
    for (const m of batch.messages) m.ack();
    return { acked: batch.messages.length, retried: 0 };
  }
  try {
    await consume(
      ctx,
      batch.messages.map((m) => m.body),
    );
  } catch (err) {
    ctx.logger.error('queue batch failed', { queue: batch.queue, count: batch.messages.length, ...describeError(err) });
    for (const m of batch.messages) m.retry();
    return { acked: 0, retried: batch.messages.length };
  }
  for (const m of batch.messages) m.ack();
  return { acked: batch.messages.length, retried: 0 };
}
