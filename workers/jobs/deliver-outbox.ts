import { deliverOutbox } from '../../api/domain/outbox/deliver.ts';
import { providersFor } from '../../api/domain/outbox/providers.ts';
import type { ScheduledJob } from './index.ts';

/** Sends due outbox rows (the safety net under the Queue on Workers; the main path on Node). */
export const outboxDelivery: ScheduledJob = {
  async run(ctx) {
    await deliverOutbox(ctx, providersFor(ctx.config));
  },
};
