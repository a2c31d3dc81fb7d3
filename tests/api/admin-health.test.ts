import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { AdminHealth } from '../../api/contract/wire/health.ts';
import { jobRuns, outbox } from '../../db/schema.ts';
import { jobs, runScheduledJobs } from '../../workers/jobs/index.ts';
import { fixedClock, jobContext, useTestApp } from '../helpers/app.ts';
import { call, staffSession } from '../helpers/staff.ts';

/*
 * The public health answer stays small; admins get the rest. The outbox counts
 * and job runs are the whole database's: this file has a database of its own.
 */
const clock = fixedClock('2026-06-01T10:00:00+08:00');
const t = useTestApp({ clock, isolated: true });

async function health() {
  const admin = await staffSession(t.app, t.db, 'admin', undefined, clock.now());
  const res = await call(t.app, admin, 'GET', '/api/staff/admin/health');
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return AdminHealth.parse(await res.json());
}

function queued(status: 'pending' | 'failed' | 'dead' | 'sent', createdAt: string) {
  return { channel: 'sms' as const, recipient: '+8613900000000', template: 'receipt', status, idempotencyKey: `health-${randomUUID()}`, createdAt: new Date(createdAt) };
}

describe('GET /api/health', () => {
  it('stays public and small: no counts, no times', async () => {
    const res = await t.app.request('/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'ok' });
  });
});

describe('GET /api/staff/admin/health', () => {
  it('is for admins only', async () => {
    expect((await t.app.request('/api/staff/admin/health')).status).toBe(401);
    for (const role of ['dispatcher', 'handler', 'supervisor'] as const) {
      const session = await staffSession(t.app, t.db, role, role === 'handler' ? 'enf1' : undefined, clock.now());
      const res = await call(t.app, session, 'GET', '/api/staff/admin/health');
      expect(res.status, role).toBe(403);
    }
  });

  it('counts the outbox backlog, its oldest message and the dead ones', async () => {
    const before = await health();
    expect(before.outbox).toEqual({ backlog: 0, oldestPendingAt: null, oldestPendingAgeSeconds: null, dead: 0 });
    await t.db
      .insert(outbox)
      .values([
        queued('pending', '2026-06-01T09:50:00+08:00'),
        queued('failed', '2026-06-01T09:30:00+08:00'),
        queued('dead', '2026-06-01T08:00:00+08:00'),
        queued('sent', '2026-06-01T07:00:00+08:00'),
      ]);
    const after = await health();
    expect(after.outbox).toEqual({ backlog: 2, oldestPendingAt: '2026-06-01T09:30:00+08:00', oldestPendingAgeSeconds: 30 * 60, dead: 1 });
    expect(after.database.latencyMs).toBeGreaterThanOrEqual(0);
    expect(after.checkedAt).toBe('2026-06-01T10:00:00+08:00');
    // No recipient, no text: counts and times only.
    expect(JSON.stringify(after)).not.toContain('+86139');
  });

  it('shows when each job last ran and how it went, as the runtimes record it', async () => {
    expect((await health()).jobs).toEqual([]);
    const ctx = jobContext(t, clock);
    // The registry both runtimes run every minute (Node's scheduler, the Worker's cron).
    await runScheduledJobs(ctx, '* * * * *');
    const first = await health();
    expect(first.jobs.map((j) => j.job).sort()).toEqual(
      Object.keys(jobs)
        .filter((name) => !jobs[name]!.crons)
        .sort(),
    );
    expect(first.lastSweepAt).toBe('2026-06-01T10:00:00+08:00');
    expect(first.lastFoldAt).toBe('2026-06-01T10:00:00+08:00');
    for (const j of first.jobs) expect(j, j.job).toMatchObject({ ok: true, error: null, runs: 1, startedAt: '2026-06-01T10:00:00+08:00', finishedAt: '2026-06-01T10:00:00+08:00' });

    // A failing job: recorded as failed with its kind, never its message; its last success stays.
    clock.advance(60_000);
    const failing = {
      'deadline-sweep': {
        run: async () => {
          throw new TypeError('secret detail +8613900000000');
        },
      },
    };
    await expect(runScheduledJobs(ctx, '* * * * *', failing)).rejects.toThrow(AggregateError);
    const second = await health();
    const sweep = second.jobs.find((j) => j.job === 'deadline-sweep')!;
    expect(sweep).toMatchObject({
      ok: false,
      error: 'TypeError',
      runs: 2,
      startedAt: '2026-06-01T10:01:00+08:00',
      finishedAt: '2026-06-01T10:01:00+08:00',
      lastOkAt: '2026-06-01T10:00:00+08:00',
    });
    expect(second.lastSweepAt).toBe('2026-06-01T10:00:00+08:00');
    expect(JSON.stringify(second)).not.toContain('secret');

    // A job under way shows a start after its last end.
    clock.advance(60_000);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const slow = runScheduledJobs(ctx, '* * * * *', {
      'stats-fold': {
        run: async () => {
          started();
          await gate;
        },
      },
    });
    await running;
    const during = (await health()).jobs.find((j) => j.job === 'stats-fold')!;
    expect(during.startedAt).toBe('2026-06-01T10:02:00+08:00');
    expect(during.finishedAt).toBe('2026-06-01T10:00:00+08:00');
    release();
    await slow;
    const [row] = await t.db.select().from(jobRuns).where(eq(jobRuns.job, 'stats-fold'));
    expect(row).toMatchObject({ ok: true, runs: 2 });
  });

  it('lists the published calendar years and whether next year is among them', async () => {
    const h = await health();
    expect(h.calendar.currentYear).toBe(2026);
    expect(h.calendar.publishedYears).toContain(2026);
    // The seed publishes what chinese-days knows; next year is published only once its notice is imported.
    expect(h.calendar.throughNextYear).toBe(h.calendar.publishedYears.includes(2027));
    const res = await call(t.app, await staffSession(t.app, t.db, 'admin', undefined, clock.now()), 'POST', '/api/staff/admin/calendar/import', {
      year: 2027,
      holidays: [{ date: '2027-01-01', name: '元旦' }],
      workdays: [],
    });
    expect(res.status).toBe(200);
    const after = await health();
    expect(after.calendar.publishedYears).toContain(2027);
    expect(after.calendar.throughNextYear).toBe(true);
  });
});

describe('OpenAPI', () => {
  it('documents the admin health route', async () => {
    const doc = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, { get?: { responses: Record<string, unknown> } }> };
    expect(Object.keys(doc.paths['/api/staff/admin/health']?.get?.responses ?? {})).toEqual(expect.arrayContaining(['200', '401', '403']));
  });
});
