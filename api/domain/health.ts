import { asc, sql } from 'drizzle-orm';
import { jobRuns } from '../../db/schema.ts';
import { rowsOf } from '../../db/statement.ts';
import type { Ctx } from '../context.ts';
import { describeError } from '../logger.ts';
import { assertAdmin } from './admin/access.ts';
import { shanghaiDate } from './deadlines/shanghai-time.ts';
import type { Staff } from './staff/session.ts';

/** True when the database answers a trivial query. */
export async function databaseReachable({ ctx }: { ctx: Ctx }): Promise<boolean> {
  try {
    await ctx.db.execute(sql`select 1`);
    return true;
  } catch (err) {
    ctx.logger.error('health check failed', { requestId: ctx.requestId, ...describeError(err) });
    return false;
  }
}

/** Years whose holidays or make-up workdays are in the calendar (a year of plain weekends is provisional). */
export async function publishedCalendarYears(ctx: Pick<Ctx, 'db'>): Promise<number[]> {
  const rows = await ctx.db.execute(sql`select distinct extract(year from day)::int as year from calendar_days where kind in ('holiday', 'makeup_workday') order by 1`);
  return rowsOf<{ year: number }>(rows).map((r) => Number(r.year));
}

/**
 * The admin's view of the service: how fast the database answers, what waits in
 * the outbox and since when, what died there, when each job last ran and how
 * it went (job_runs), and which calendar years are published. Counts and times
 * only: nothing here names a citizen.
 */
export async function adminHealth({ ctx, staff }: { ctx: Ctx; staff: Staff }) {
  assertAdmin(staff);
  const now = ctx.clock.now();
  const started = performance.now();
  await ctx.db.execute(sql`select 1`);
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;

  const [outboxRow] = rowsOf<{ backlog: number; dead: number; oldest: string | Date | null }>(
    await ctx.db.execute(sql`
      select count(*) filter (where status in ('pending', 'failed', 'sending'))::int as backlog,
             count(*) filter (where status = 'dead')::int as dead,
             min(created_at) filter (where status in ('pending', 'failed', 'sending')) as oldest
      from outbox`),
  );
  const oldest = outboxRow?.oldest ? new Date(outboxRow.oldest) : null;
  const jobs = await ctx.db.select().from(jobRuns).orderBy(asc(jobRuns.job));
  const lastOk = (name: string) => jobs.find((j) => j.job === name)?.lastOkAt ?? null;
  const publishedYears = await publishedCalendarYears(ctx);
  const currentYear = Number(shanghaiDate(now).slice(0, 4));

  return {
    checkedAt: now,
    database: { latencyMs },
    outbox: {
      backlog: Number(outboxRow?.backlog ?? 0),
      oldestPendingAt: oldest,
      oldestPendingAgeSeconds: oldest ? Math.max(0, Math.round((now.getTime() - oldest.getTime()) / 1000)) : null,
      dead: Number(outboxRow?.dead ?? 0),
    },
    jobs: jobs.map((j) => ({ job: j.job, startedAt: j.startedAt, finishedAt: j.finishedAt, ok: j.ok, error: j.error, lastOkAt: j.lastOkAt, runs: j.runs })),
    lastSweepAt: lastOk('deadline-sweep'),
    lastFoldAt: lastOk('stats-fold'),
    calendar: { publishedYears, currentYear, throughNextYear: publishedYears.includes(currentYear) && publishedYears.includes(currentYear + 1) },
  };
}
