/**
 * Bench `stats`: GET /api/stats on a year of a city's cases (BENCH_STATS_CASES,
 * default 1,000,000) — target p95 < 100 ms for a year, ungrouped and grouped
 * by each dimension.
 *
 * Setup: seeds the bench database with seed.ts (generated in PostgreSQL, then
 * folded by the real stats fold), unless it already holds that many seeded
 * cases; the times of both go into the notes. Then VACUUM (ANALYZE).
 *
 * Measured, for each variant in turn against the service child: a warm-up,
 * then BENCH_STATS_SECONDS (default 4) of closed-loop requests on
 * BENCH_STATS_CONNECTIONS (default 4) connections. Variants: the last twelve
 * whole months (ungrouped, and by category, department, channel, kind,
 * location, month and station); the API's default (the 12 months up to today),
 * ungrouped and by month (today in the range: the running clocks are read too);
 * and, for the record, a past range that starts and ends mid-month (its ends
 * are read from the per-case facts, the slow path).
 */
import os from 'node:os';
import postgres from 'postgres';
import { addDays, shanghaiDate } from '../../api/domain/deadlines/shanghai-time.ts';
import { addMonths, monthStart } from '../../api/domain/stats/range.ts';
import { machineBusyUs, pgBackendsCpuUs, selfCpuUs } from './cpu.ts';
import { settle } from './db.ts';
import { type LoadResult, percentile, runLoad, summarize } from './load.ts';
import type { BenchOutcome, BenchRow } from './report.ts';
import type { BenchCase, BenchEnv } from './run.ts';
import { seedCases } from './seed.ts';

export const STATS_P95_TARGET_MS = 100;

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${raw}: expected a positive number`);
  return value;
}

async function seededCount(databaseUrl: string): Promise<number> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM cases WHERE tracking_code ~ '^s[0-9]{9}$'`;
    return row?.n ?? 0;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export const statsBench: BenchCase = {
  id: 'stats',
  title: 'GET /api/stats over a year of a city’s cases (target p95 < 100 ms)',
  async run(env: BenchEnv): Promise<BenchOutcome> {
    const cases = Math.round(num('BENCH_STATS_CASES', 1_000_000));
    const seconds = num('BENCH_STATS_SECONDS', 4);
    const connections = Math.round(num('BENCH_STATS_CONNECTIONS', 4));
    const notes: string[] = [];
    const have = await seededCount(env.options.databaseUrl);
    if (have < cases) {
      env.log(`stats: seeding ${(cases - have).toLocaleString('en-US')} cases (seed.ts) and folding`);
      const seeded = await seedCases(env.options.databaseUrl, { cases: cases - have, log: env.log });
      notes.push(
        `seed: ${seeded.cases.toLocaleString('en-US')} cases + ${seeded.evaluations.toLocaleString('en-US')} evaluations generated in ${seeded.seedSeconds.toFixed(1)} s (${Math.round(seeded.cases / seeded.seedSeconds).toLocaleString('en-US')}/s)`,
        `fold: ${seeded.foldSeconds.toFixed(1)} s in ${seeded.foldBatches} batches (${Math.round(seeded.cases / seeded.foldSeconds).toLocaleString('en-US')} cases/s); rollups stats_daily ${seeded.rollups.statsDaily.toLocaleString('en-US')} rows, stats_times ${seeded.rollups.statsTimes.toLocaleString('en-US')} rows, ${seeded.rollups.sizeMb} MB`,
      );
    } else {
      notes.push(`reused ${have.toLocaleString('en-US')} seeded cases`);
    }
    env.log('stats: VACUUM (ANALYZE) + CHECKPOINT');
    await settle(env.options);

    const today = shanghaiDate(new Date());
    const from = addMonths(monthStart(today), -12);
    const to = addDays(monthStart(today), -1);
    const variants: Array<[string, string]> = [
      ['year', `from=${from}&to=${to}`],
      ...['category', 'department', 'channel', 'kind', 'location', 'month', 'station'].map((g): [string, string] => [`year by ${g}`, `from=${from}&to=${to}&groupBy=${g}`]),
      ['default (12 months to today)', ''],
      // Today in the range: the clocks still running now are read from the facts, per group.
      ['default by month', 'groupBy=month'],
      ['year by category, one station', `from=${from}&to=${to}&groupBy=category&station=TJ`],
      ['past range, mid-month ends', `from=${addDays(addMonths(from, 1), 14)}&to=${addDays(addMonths(from, 7), 9)}&groupBy=category`],
    ];
    notes.push(`a year = ${from} … ${to} (the last twelve whole months); ${connections} connections, ${seconds} s per variant after a warm-up; p95 per variant:`);
    const rows: BenchRow[] = [];
    let worst = 0;
    for (const [label, query] of variants) {
      const path = `/api/stats${query ? `?${query}` : ''}`;
      const next = () => ({ method: 'GET' as const, path });
      const expect = (s: number) => s === 200;
      const check = await env.service.client.request(next());
      if (check.status !== 200) throw new Error(`stats: ${path} → ${check.status} ${check.body.slice(0, 300)}`);
      await runLoad({ client: env.service.client, connections, next, expect, count: 20, durationMs: 30_000 });
      const before = await env.service.handle.stats();
      const machineBefore = machineBusyUs();
      const pgBefore = pgBackendsCpuUs(env.options.databaseName);
      const clientBefore = selfCpuUs();
      const result: LoadResult = await runLoad({ client: env.service.client, connections, next, expect, durationMs: seconds * 1000, record: true });
      const clientCpu = selfCpuUs() - clientBefore;
      const pgAfter = pgBackendsCpuUs(env.options.databaseName);
      const machineAfter = machineBusyUs();
      const after = await env.service.handle.stats();
      const summary = summarize([result]);
      const sorted = Float64Array.from(result.latenciesMs).sort();
      const p95 = percentile(sorted, 95);
      worst = Math.max(worst, label.startsWith('past range') ? 0 : p95);
      const n = summary.requests || Number.NaN;
      const serverCpu = after.cpuUs - before.cpuUs;
      const pg = pgBefore !== undefined && pgAfter !== undefined ? pgAfter - pgBefore : Number.NaN;
      const machine = machineBefore !== undefined && machineAfter !== undefined ? machineAfter - machineBefore : Number.NaN;
      rows.push({
        server: label,
        summary,
        serverCpuUsPerReq: serverCpu / n,
        pgCpuUsPerReq: Number.isNaN(pg) ? null : pg / n,
        otherCpuUsPerReq: Number.isNaN(machine) ? null : Math.max(0, machine - serverCpu - clientCpu - (Number.isNaN(pg) ? 0 : pg)) / n,
        machineBusyPct: Number.isNaN(machine) ? null : (machine / (summary.seconds * 1e6 * os.cpus().length)) * 100,
        clientCpuUsPerReq: clientCpu / n,
        pg: null,
      });
      notes.push(`  ${label}: p50 ${summary.p50Ms.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, p99 ${summary.p99Ms.toFixed(1)} ms (${summary.requests} requests)`);
      env.log(`stats: ${label}: p95 ${p95.toFixed(1)} ms`);
    }
    notes.push(`verdict on the year variants and the default (the mid-month past range is reported, not judged): worst p95 ${worst.toFixed(1)} ms against ${STATS_P95_TARGET_MS} ms`);
    return {
      id: 'stats',
      title: statsBench.title,
      rows,
      verdict: worst < STATS_P95_TARGET_MS ? 'PASS' : 'BELOW',
      notes,
    };
  },
};
