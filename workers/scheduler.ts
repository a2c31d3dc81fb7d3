import { randomUUID } from 'node:crypto';
import type { Ctx } from '../api/context.ts';
import { describeError } from '../api/logger.ts';
import { outboxDelivery } from './jobs/deliver-outbox.ts';
import { jobs, runScheduledJobs, type ScheduledJob } from './jobs/index.ts';

/**
 * The Node runtime's stand-in for the Cron Trigger: runs the job registry at the
 * top of every minute. A job still busy from an earlier tick (a delivery
 * waiting on a slow provider) sits this tick out; the others run, so the
 * deadline sweep never waits for a send.
 */
export function createScheduler(makeCtx: (id: string) => Ctx, options: { cron?: string; registry?: Readonly<Record<string, ScheduledJob>> } = {}) {
  const cron = options.cron ?? '* * * * *';
  const registry = options.registry ?? jobs;
  const busy = new Set<string>();
  /** Ticks under way, so that a shutdown can wait for them. */
  const running = new Set<Promise<void>>();

  /** One tick: resolves when this tick's jobs are done (a hanging one keeps only its own tick open). */
  const tick = (): Promise<void> => {
    const run = runTick().finally(() => running.delete(run));
    running.add(run);
    return run;
  };
  const runTick = async () => {
    const ctx = makeCtx(`cron-${randomUUID()}`);
    // Each job frees itself when it ends; runScheduledJobs runs every one it is handed, whatever the others do.
    const due: Record<string, ScheduledJob> = {};
    for (const [name, job] of Object.entries(registry)) {
      if (busy.has(name) || (job.crons && !job.crons.includes(cron))) continue;
      busy.add(name);
      due[name] = {
        run: async (ctx, c) => {
          try {
            await job.run(ctx, c);
          } finally {
            busy.delete(name);
          }
        },
      };
    }
    try {
      await runScheduledJobs(ctx, cron, due);
    } catch (err) {
      ctx.logger.error('scheduled jobs failed', describeError(err));
    }
  };

  return {
    tick,
    start(): { stop(): Promise<void> } {
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      const schedule = () => {
        const delay = 60_000 - (Date.now() % 60_000);
        timer = setTimeout(() => {
          if (stopped) return;
          void tick();
          schedule();
        }, delay);
        timer.unref();
      };
      void tick();
      schedule();
      // Stopping takes no new tick and resolves when the ones under way have ended.
      return {
        stop: async () => {
          stopped = true;
          clearTimeout(timer);
          while (running.size) await Promise.allSettled([...running]);
        },
      };
    },
  };
}

export function startScheduler(makeCtx: (id: string) => Ctx, cron = '* * * * *'): { stop(): Promise<void> } {
  return createScheduler(makeCtx, { cron }).start();
}

/**
 * Delivery on demand: a kick (after a write) runs the outbox job soon; kicks
 * that arrive while it runs fold into one more pass, so a burst of filings
 * costs a few passes, not one per request.
 */
export function startDeliveryLoop(makeCtx: (id: string) => Ctx): { kick(): void; stop(): Promise<void> } {
  let running = false;
  let again = false;
  let stopped = false;
  let current: Promise<void> | undefined;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    if (stopped) return;
    running = true;
    let done!: () => void;
    current = new Promise<void>((resolve) => {
      done = resolve;
    });
    try {
      do {
        again = false;
        const ctx = makeCtx(`delivery-${randomUUID()}`);
        try {
          await outboxDelivery.run(ctx, 'kick');
        } catch (err) {
          ctx.logger.error('outbox delivery failed', describeError(err));
        }
      } while (again && !stopped);
    } finally {
      running = false;
      done();
    }
  };
  return {
    kick() {
      if (!stopped) setTimeout(() => void run(), 50).unref();
    },
    /** Takes no more kicks; resolves when the pass under way (if any) has ended. */
    async stop() {
      stopped = true;
      if (running) await current;
    },
  };
}
