import { queueBulletins } from '../../api/domain/stats/bulletins.ts';
import type { ScheduledJob } from './index.ts';

/** Every minute; from 08:00 Shanghai queues each period's bulletins and reports once (idempotency keys). */
export const bulletins: ScheduledJob = {
  async run(ctx) {
    await queueBulletins(ctx);
  },
};
