import { sweepDeadlines } from '../../api/domain/deadlines/sweep.ts';
import type { ScheduledJob } from './index.ts';

/** Warns at 80 % of a clock, escalates (督办) when it passes, and sends red cases to supervisors. */
export const deadlineSweep: ScheduledJob = {
  async run(ctx) {
    await sweepDeadlines(ctx);
  },
};
