import { foldStats } from '../../api/domain/stats/fold.ts';
import type { ScheduledJob } from './index.ts';

/**
 * Folds the cases written since the last tick into the published figures'
 * rollups. A tick stops after about 40 s; a backlog (a bulk import) is worked
 * off over the following ticks, and a stats request folds a little itself.
 */
export const statsFold: ScheduledJob = {
  async run(ctx) {
    const result = await foldStats(ctx, { batchSize: 5000, maxBatches: 200, budgetMs: 40_000 });
    if (result.folded > 0) ctx.logger.info('stats fold', { ...result });
  },
};
