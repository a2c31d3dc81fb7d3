import { randomUUID } from 'node:crypto';
import type { Ctx } from '../api/context.ts';
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
