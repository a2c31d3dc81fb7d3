import { randomUUID } from 'node:crypto';
import type { Ctx } from '../api/context.ts';
import { outboxDelivery } from './jobs/deliver-outbox.ts';
import { runScheduledJobs } from './jobs/index.ts';

/**
 * The Node runtime's stand-in for the Cron Trigger: runs the job registry at the
 * top of every minute. A tick that is still running when the next one is due
 * is not doubled (the jobs are safe to overlap anyway; this just saves work).
 */
export function startScheduler(makeCtx: (id: string) => Ctx, cron = '* * * * *'): { stop(): void } {
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    if (running) return;
    running = true;
    const ctx = makeCtx(`cron-${randomUUID()}`);
    try {
      await runScheduledJobs(ctx, cron);
    } catch (err) {
      ctx.logger.error('scheduled jobs failed', { error: (err as Error).message });
    } finally {
      running = false;
    }
  };
  const schedule = () => {
    const delay = 60_000 - (Date.now() % 60_000);
    timer = setTimeout(() => {
      void tick();
      schedule();
    }, delay);
    timer.unref();
  };
  void tick();
  schedule();
  return { stop: () => clearTimeout(timer) };
}

/**
 * Delivery on demand: a kick (after a write) runs the outbox job soon; kicks
 * that arrive while it runs fold into one more pass, so a burst of filings
 * costs a few passes, not one per request.
 */
export function startDeliveryLoop(makeCtx: (id: string) => Ctx): { kick(): void } {
  let running = false;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const ctx = makeCtx(`delivery-${randomUUID()}`);
        try {
          await outboxDelivery.run(ctx, 'kick');
        } catch (err) {
          ctx.logger.error('outbox delivery failed', { error: (err as Error).message });
        }
      } while (again);
    } finally {
      running = false;
    }
  };
  return {
    kick() {
      setTimeout(() => void run(), 50).unref();
    },
  };
}
