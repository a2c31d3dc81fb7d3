import type { Ctx } from '../../api/context.ts';
import { deliverOutbox } from '../../api/domain/outbox/deliver.ts';
import { type Providers, providersFor } from '../../api/domain/outbox/providers.ts';
import type { ScheduledJob } from './index.ts';

/**
 * A run stops taking rows after this; sends in flight end within the provider
 * timeout, so a run fits inside the minute and a slow provider never holds
 * up the next tick. What is left goes out on the next run.
 */
export const DELIVERY_BUDGET_MS = 40_000;

/** Outbox delivery as a job; tests hand in their providers and decide when the budget is spent. */
export function outboxDeliveryJob(options: { providers?: (ctx: Ctx) => Providers; budget?: () => AbortSignal } = {}): ScheduledJob {
  return {
    async run(ctx) {
      const providers = options.providers?.(ctx) ?? providersFor(ctx.config);
      const stop = options.budget?.() ?? AbortSignal.timeout(DELIVERY_BUDGET_MS);
      await deliverOutbox(ctx, providers, { stop });
    },
  };
}

/** Sends due outbox rows (the safety net under the Queue on Workers; the main path on Node). */
export const outboxDelivery: ScheduledJob = outboxDeliveryJob();
