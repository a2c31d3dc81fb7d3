import { purgeExpiredPhotos } from '../../api/domain/photos/retention.ts';
import type { ScheduledJob } from './index.ts';

/** Deletes the photos of cases closed longer ago than the admin's setting (a batch per tick). */
export const photoRetention: ScheduledJob = {
  async run(ctx) {
    await purgeExpiredPhotos({ ctx });
  },
};
