import type { Ctx } from '../../api/context.ts';
import { deliverOutbox } from '../../api/domain/outbox/deliver.ts';
import { type Providers, providersFor } from '../../api/domain/outbox/providers.ts';
import type { QueueConsumer, ScheduledJob } from './index.ts';

/**
 * A run stops taking rows after this; sends in flight end within the provider
 * timeout, so a run fits inside the minute and a slow provider never holds
 * up the next tick. What is left goes out on the next run.
 */
export const DELIVERY_BUDGET_MS = 40_000;

export interface OutboxDeliveryOptions {
  /** Tests hand in their providers. */
  providers?: (ctx: Ctx) => Providers;
  /** When the run's time is spent (tests decide themselves). */
  budget?: () => AbortSignal;
  /**
   * Provider calls one run may make (Workers: WORKER_SUBREQUEST_BUDGET, under
   * the invocation's subrequest limit). Rows beyond it stay as they are, for
   * the next run. Unset on Node.
   */
  subrequests?: number;
}

/** Outbox delivery as a job. */
export function outboxDeliveryJob(options: OutboxDeliveryOptions = {}): ScheduledJob {
  return {
    async run(ctx) {
      const providers = options.providers?.(ctx) ?? providersFor(ctx.config);
      const stop = options.budget?.() ?? AbortSignal.timeout(DELIVERY_BUDGET_MS);
      await deliverOutbox(ctx, providers, { stop, ...(options.subrequests === undefined ? {} : { subrequests: options.subrequests }) });
    },
  };
}

/**
 * The outbox queue's consumer. A message is a nudge that rows were written, not
 * a row: a batch of ten nudges asks for one delivery pass, not ten.
 */
export function outboxQueueConsumer(options: OutboxDeliveryOptions = {}): QueueConsumer {
  const job = outboxDeliveryJob(options);
  return (ctx) => job.run(ctx, 'queue');
}

/** Sends due outbox rows (the safety net under the Queue on Workers; the main path on Node). */
export const outboxDelivery: ScheduledJob = outboxDeliveryJob();
