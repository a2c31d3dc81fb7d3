/**
 * `npm run bench`: the service against a raw baseline on PostgreSQL.
 *
 *   parent (this process)   load generator + orchestration
 *   child 1                 the service (tests/bench/service-server.ts)
 *   child 2                 the baseline (tests/bench/baseline-server.ts)
 *   PostgreSQL              127.0.0.1:5432, database hotline_bench (recreated)
 *
 * Benches live in BENCHES below; add one by pushing another BenchCase (use
 * pairedHttpBench for "service route vs. raw equivalent"). Settings: options.ts.
 * Exits 1 only when something errored (a failed request, a crash); falling short
 * of a target is reported, not fatal.
 */

import assert from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { machineBusyUs, pgBackendsCpuUs, selfCpuUs } from './cpu.ts';
import { freshBenchDatabase, preloadCases, settle, tableCounts } from './db.ts';
import { benchFeed } from './feed-12345.ts';
import { intakeRequest, type KnownCase, lookupRequest } from './fixtures.ts';
import { benchDelivery, benchSweep } from './jobs.ts';
import { createClient, type HttpClient, type LoadRequest, type LoadResult, runLoad, summarize } from './load.ts';
import { type BenchOptions, readOptions } from './options.ts';
import { type BenchOutcome, type BenchRow, markdownTable } from './report.ts';
import { killAllChildren, type ServerHandle, startServer } from './servers.ts';
import { signInBench } from './signin.ts';
import { statsBench } from './stats.ts';

// ---------------------------------------------------------------------------
// The registry

export interface BenchServer {
  handle: ServerHandle;
  client: HttpClient;
}

export interface BenchEnv {
  options: BenchOptions;
  service: BenchServer;
  baseline: BenchServer;
  /** Data one bench prepares for another (e.g. cases to look up). */
  shared: Map<string, unknown>;
  log(message: string): void;
}

export interface BenchCase {
  id: string;
  title: string;
  run(env: BenchEnv): Promise<BenchOutcome>;
}

/**
 * The usual shape: the same request stream against the service and the
 * baseline, warm-up excluded, measured windows alternating between the two.
 */
export function pairedHttpBench(spec: {
  id: string;
  title: string;
  /** Minimum service/baseline throughput ratio. */
  target: number;
  notes?: string[];
  setup?: (env: BenchEnv) => Promise<void>;
  /** Builds request i; called for both servers. */
  request: (env: BenchEnv) => (i: number) => LoadRequest;
  expect: (status: number) => boolean;
}): BenchCase {
  return {
    id: spec.id,
    title: spec.title,
    async run(env) {
      await spec.setup?.(env);
      env.log(`${spec.id}: VACUUM (ANALYZE) + CHECKPOINT`);
      await settle(env.options);
      const next = spec.request(env);
      const { options } = env;
      const servers = [env.service, env.baseline];
      const warm: LoadResult[] = [];
      for (const s of servers) {
        env.log(`${spec.id}: warm-up ${s.handle.name} ${options.warmupSeconds}s`);
        if (options.warmupSeconds > 0) {
          warm.push(await runLoad({ client: s.client, connections: options.connections, next, expect: spec.expect, durationMs: options.warmupSeconds * 1000 }));
        }
      }
      const measured = new Map(servers.map((s) => [s.handle.name, { results: [] as LoadResult[], serverCpu: 0, machine: 0, client: 0, pg: 0 }]));
      const windowMs = (options.seconds * 1000) / options.rounds;
      for (let round = 0; round < options.rounds; round++) {
        const order = round % 2 === 0 ? servers : [...servers].reverse();
        for (const s of order) {
          env.log(`${spec.id}: round ${round + 1}/${options.rounds} ${s.handle.name} ${(windowMs / 1000).toFixed(1)}s`);
          const acc = measured.get(s.handle.name)!;
          const before = await s.handle.stats();
          const machineBefore = machineBusyUs();
          const pgBefore = pgBackendsCpuUs(options.databaseName);
          const clientBefore = selfCpuUs();
          const result = await runLoad({ client: s.client, connections: options.connections, next, expect: spec.expect, durationMs: windowMs, record: true });
          const clientAfter = selfCpuUs();
          const pgAfter = pgBackendsCpuUs(options.databaseName);
          const machineAfter = machineBusyUs();
          const after = await s.handle.stats();
          acc.results.push(result);
          acc.serverCpu += after.cpuUs - before.cpuUs;
          acc.client += clientAfter - clientBefore;
          acc.machine += machineBefore !== undefined && machineAfter !== undefined ? machineAfter - machineBefore : Number.NaN;
          acc.pg += pgBefore !== undefined && pgAfter !== undefined ? pgAfter - pgBefore : Number.NaN;
        }
      }
      // Counting mode: a sequential probe (concurrency 1), where each socket write is one round trip.
      const probe = new Map<string, { executes: number; parses: number; roundTrips: number }>();
      if (options.countQueries) {
        for (const s of servers) {
          const before = await s.handle.stats();
          const r = await runLoad({ client: s.client, connections: 1, next, expect: spec.expect, count: PROBE_REQUESTS, durationMs: 30_000 });
          const after = await s.handle.stats();
          const n = r.requests || Number.NaN;
          if (before.pg && after.pg) {
            probe.set(s.handle.name, {
              executes: (after.pg.executes - before.pg.executes) / n,
              parses: (after.pg.parses - before.pg.parses) / n,
              roundTrips: (after.pg.writes - before.pg.writes) / n,
            });
          }
          if (r.badStatus + r.failed > 0) warm.push(r);
        }
      }
      const rows: BenchRow[] = servers.map((s) => {
        const acc = measured.get(s.handle.name)!;
        const summary = summarize(acc.results);
        const n = summary.requests || Number.NaN;
        const other = acc.machine - acc.serverCpu - acc.client - (Number.isNaN(acc.pg) ? 0 : acc.pg);
        return {
          server: s.handle.name,
          summary,
          serverCpuUsPerReq: acc.serverCpu / n,
          pgCpuUsPerReq: Number.isNaN(acc.pg) ? null : acc.pg / n,
          otherCpuUsPerReq: Number.isNaN(other) ? null : Math.max(0, other) / n,
          machineBusyPct: Number.isNaN(acc.machine) ? null : (acc.machine / (summary.seconds * 1e6 * os.cpus().length)) * 100,
          clientCpuUsPerReq: acc.client / n,
          pg: probe.get(s.handle.name) ?? null,
        };
      });
      const warmErrors = warm.reduce((n, r) => n + r.badStatus + r.failed, 0);
      const notes = [...(spec.notes ?? [])];
      if (warmErrors > 0) {
        notes.push(
          `errors outside the measured windows (warm-up, probe): ${warmErrors} — ${warm
            .flatMap((r) => r.errorSamples)
            .slice(0, 3)
            .join(' | ')}`,
        );
      }
      const [svc, base] = rows;
      const ratio = svc && base && base.summary.rps > 0 ? svc.summary.rps / base.summary.rps : undefined;
      const work = (r: BenchRow | undefined) => (r?.serverCpuUsPerReq ?? Number.NaN) + (r?.pgCpuUsPerReq ?? Number.NaN);
      const cpuRatio = work(base) / work(svc);
      return {
        id: spec.id,
        title: spec.title,
        rows,
        ...(ratio !== undefined ? { ratio, verdict: ratio >= spec.target ? ('PASS' as const) : ('BELOW' as const) } : {}),
        ...(Number.isFinite(cpuRatio) ? { cpuRatio } : {}),
        target: spec.target,
        notes,
        ...(warmErrors > 0 ? { warmupErrors: warmErrors } : {}),
      };
    },
  };
}

/** Requests of the sequential round-trip probe (counting mode only). */
const PROBE_REQUESTS = 200;

export const BENCHES: BenchCase[] = [
  pairedHttpBench({
    id: 'intake',
    title: 'POST /api/cases (JSON, valid, random 139xxxxxxxx phone)',
    target: 0.6,
    notes: [
      'service: validation + reference cache + deadlines + one statement (compiled once) inserting cases + case_events + outbox (SMS receipt)',
      process.env.BENCH_BASELINE_INTAKE === 'single'
        ? 'baseline (BENCH_BASELINE_INTAKE=single): JSON.parse + map lookups + ONE INSERT into cases (the columns create.ts names), no event or receipt'
        : 'baseline: JSON.parse + map lookups + the same INSERT as the service (cases + case_events + outbox in one CTE statement), prepared',
    ],
    request: () => (i) => intakeRequest(i).request,
    expect: (s) => s === 201,
  }),
  pairedHttpBench({
    id: 'lookup',
    title: 'GET /api/cases/{trackingCode}?phone4=NNNN over cases filed beforehand',
    target: 0.7,
    notes: [
      'service: lookupCase() via drizzle — one statement: the case by tracking_code with its public timeline (json_agg) and whether the reply is rated',
      'baseline: the same statement, prepared, through postgres.js; phone4 check and the public view built by hand',
    ],
    async setup(env) {
      const n = env.options.lookupCases;
      env.log(`lookup: filing ${n} cases through the service`);
      const known: KnownCase[] = [];
      const result = await runLoad({
        client: env.service.client,
        connections: env.options.connections,
        count: n,
        durationMs: 120_000,
        next: (i) => intakeRequest(i).request,
        expect: (s) => s === 201,
        onResponse: (req, res) => {
          const { phone } = JSON.parse(req.body!) as { phone: string };
          known.push({ trackingCode: (JSON.parse(res.body) as { trackingCode: string }).trackingCode, phone4: phone.slice(-4) });
        },
      });
      if (known.length !== n) {
        throw new Error(`lookup setup filed ${known.length}/${n} cases: ${result.errorSamples.join(' | ')}`);
      }
      env.shared.set('lookup.cases', known);
    },
    request: (env) => {
      const known = env.shared.get('lookup.cases') as KnownCase[];
      return () => lookupRequest(known[Math.floor(Math.random() * known.length)]!);
    },
    expect: (s) => s === 200,
  }),
  { id: 'sweep', title: 'deadline sweep over 1,000,000 open cases', run: (env) => benchSweep(env.options, env.log) },
  { id: 'delivery', title: 'outbox delivery of 10,000 rows', run: (env) => benchDelivery(env.options, env.log) },
  {
    id: 'feed',
    title: '10,000 12345 orders in pushes of 500',
    async run(env) {
      const r = await benchFeed({ databaseUrl: env.options.databaseUrl, log: env.log });
      return {
        id: 'feed',
        title: '10,000 12345 orders in pushes of 500',
        rows: [],
        target: r.target,
        verdict: r.pass ? 'PASS' : 'BELOW',
        notes: [
          `new orders, one push at a time: ${r.ordersPerSecond.toFixed(0)} orders/s (target ≥ ${r.target})`,
          `4 pushes at once: ${r.passes.parallel.ordersPerSecond.toFixed(0)} orders/s; repeats (unchanged): ${r.passes.repeat.ordersPerSecond.toFixed(0)} orders/s`,
        ],
      };
    },
  },
  statsBench,
  signInBench,
];

// ---------------------------------------------------------------------------
// The run

async function smokeTest(name: string, client: HttpClient): Promise<void> {
  const f = intakeRequest(0);
  const created = await client.request(f.request);
  if (created.status !== 201) throw new Error(`${name}: intake smoke test → ${created.status} ${created.body}`);
  const { trackingCode } = JSON.parse(created.body) as { trackingCode: string };
  const found = await client.request(lookupRequest({ trackingCode, phone4: f.phone.slice(-4) }));
  if (found.status !== 200 || !found.body.includes(trackingCode)) throw new Error(`${name}: lookup smoke test → ${found.status} ${found.body}`);
  const wrong = await client.request(lookupRequest({ trackingCode, phone4: f.phone.slice(-4) === '0000' ? '1111' : '0000' }));
  if (wrong.status !== 404) throw new Error(`${name}: lookup with wrong phone4 → ${wrong.status}`);
}

/**
 * The baseline must give the same answer for the same work: a case filed
 * through the service is looked up on both, and the two bodies must be equal.
 */
async function sameLookupAnswer(service: HttpClient, baseline: HttpClient): Promise<void> {
  const f = intakeRequest(1);
  const created = await service.request(f.request);
  const { trackingCode } = JSON.parse(created.body) as { trackingCode: string };
  const request = lookupRequest({ trackingCode, phone4: f.phone.slice(-4) });
  const [a, b] = [await service.request(request), await baseline.request(request)];
  try {
    assert.deepStrictEqual(JSON.parse(b.body), JSON.parse(a.body));
  } catch {
    throw new Error(`lookup: the baseline's answer differs from the service's\n  service:  ${a.body}\n  baseline: ${b.body}`);
  }
}

/** How busy the machine is with other work, over one idle second before the run. */
async function backgroundBusyPct(): Promise<number | undefined> {
  const before = machineBusyUs();
  await new Promise((r) => setTimeout(r, 1000));
  const after = machineBusyUs();
  return before === undefined || after === undefined ? undefined : ((after - before) / (1e6 * os.cpus().length)) * 100;
}

async function main(): Promise<number> {
  const options = readOptions();
  const startedAt = new Date();
  const t0 = performance.now();
  const log = (m: string) => console.error(`[bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${m}`);
  const benches = options.only ? BENCHES.filter((b) => options.only!.includes(b.id)) : BENCHES;
  if (benches.length === 0) throw new Error(`BENCH_ONLY=${options.only?.join(',')}: no such bench (have ${BENCHES.map((b) => b.id).join(', ')})`);

  const background = await backgroundBusyPct();
  log(
    `machine busy before start: ${background === undefined ? '?' : `${background.toFixed(0)}%`}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  log(`recreating database ${options.databaseName}`);
  const { serverVersion } = await freshBenchDatabase(options);
  log(`preloading ${options.preloadCases} cases (+ events, sent receipts) and analysing`);
  await preloadCases(options, options.preloadCases);

  const childEnv = {
    BENCH_DATABASE_URL: options.databaseUrl,
    BENCH_POOL_MAX: String(options.poolMax),
    BENCH_COUNT_QUERIES: options.countQueries ? '1' : '0',
    BENCH_BASELINE_INTAKE: options.baselineIntake,
  };
  const profileDir = options.profile ? join(options.artifactsDir, 'profiles') : undefined;
  log('starting servers');
  const [serviceHandle, baselineHandle] = await Promise.all([
    startServer({ name: 'service', script: './service-server.ts', env: childEnv, ...(profileDir ? { profileDir } : {}) }),
    startServer({ name: 'baseline', script: './baseline-server.ts', env: childEnv }),
  ]);
  const env: BenchEnv = {
    options,
    service: { handle: serviceHandle, client: await createClient(serviceHandle.url, options.connections) },
    baseline: { handle: baselineHandle, client: await createClient(baselineHandle.url, options.connections) },
    shared: new Map(),
    log,
  };
  const where = [
    `service:  child pid ${serviceHandle.pid}, ${serviceHandle.url} (${String(serviceHandle.info.stack)}), pool max ${options.poolMax}`,
    `baseline: child pid ${baselineHandle.pid}, ${baselineHandle.url} (${String(baselineHandle.info.stack)}), pool max ${options.poolMax}`,
    `load:     parent pid ${process.pid}, ${env.service.client.kind}, ${options.connections} keep-alive connections, closed loop`,
    `postgres: ${serverVersion} on 127.0.0.1:5432, database ${options.databaseName}`,
    `machine:  ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, node ${process.version}; all of the above share these cores (no pinning); ${background === undefined ? '' : `${background.toFixed(0)}% busy just before the run`}`,
  ];

  const outcomes: BenchOutcome[] = [];
  try {
    await smokeTest('service', env.service.client);
    await smokeTest('baseline', env.baseline.client);
    await sameLookupAnswer(env.service.client, env.baseline.client);
    for (const bench of benches) {
      log(`${bench.id}: ${bench.title}`);
      outcomes.push(await bench.run(env));
    }
  } finally {
    await env.service.client.close().catch(() => {});
    await env.baseline.client.close().catch(() => {});
    log('stopping servers');
    await Promise.all([serviceHandle.stop(), baselineHandle.stop()]);
  }
  const counts = await tableCounts(options);

  const settings = `measured ${options.seconds}s per server per bench in ${options.rounds} alternating window(s), warm-up ${options.warmupSeconds}s, ${options.connections} connections, pool ${options.poolMax}, ${options.preloadCases} cases preloaded`;
  const table = markdownTable(outcomes);
  const out: string[] = ['', '## Bench: service vs raw baseline', '', ...where.map((w) => `- ${w}`), `- ${settings}`, ''];
  for (const o of outcomes) {
    out.push(`**${o.id}** — ${o.title}`);
    for (const n of o.notes) out.push(`  - ${n}`);
  }
  out.push('', table, '');
  out.push(
    "svc/base = service req/s ÷ baseline req/s (the verdict uses it). by CPU = baseline (server + PG) CPU/req ÷ service (server + PG) CPU/req: the ratio to expect on a quiet CPU-bound machine; trust it over svc/base when the other column is large. CPU µs/req: the server child; the PostgreSQL backends of the bench database; the load generator; everything else on the machine (PostgreSQL's WAL writer/checkpointer, kernel, other jobs). busy % = share of all cores busy during the windows.",
  );
  if (background !== undefined && background > 10) {
    out.push(`WARNING: the machine was ${background.toFixed(0)}% busy before the bench started (other jobs?); figures are noisier than usual — see the 'other' column.`);
  }
  out.push(
    options.countQueries
      ? `SQL exec/parse/RT: per request, from a sequential probe of ${PROBE_REQUESTS} requests per server after the measured windows — statements executed (Bind/Query), statements PostgreSQL parsed (Parse), network round trips (socket writes to PostgreSQL).`
      : 'SQL exec/parse/RT: run with BENCH_COUNT_QUERIES=1 (or BENCH_PROFILE=1) to count statements, parses and round trips per request.',
  );
  if (profileDir) out.push(`CPU profile of the service child: ${profileDir}/ (open in Chrome DevTools → Performance, or speedscope).`);
  out.push(
    `Rows in ${options.databaseName} after the run: ${Object.entries(counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
  );

  const errored = outcomes.filter((o) => o.rows.some((r) => r.summary.errors > 0) || (o.warmupErrors ?? 0) > 0);
  for (const o of errored) {
    for (const r of o.rows) {
      if (r.summary.errors === 0) continue;
      out.push(
        '',
        `!!! ERRORS in ${o.id}/${r.server}: ${r.summary.errors} (unexpected status ${r.summary.badStatus}, no answer ${r.summary.failed}); statuses ${JSON.stringify(r.summary.statusCounts)}`,
      );
      for (const s of r.summary.errorSamples) out.push(`!!!   ${s}`);
    }
    if (o.warmupErrors) out.push(`!!! ERRORS in ${o.id} outside the measured windows (warm-up, probe): ${o.warmupErrors}`);
  }
  console.log(out.join('\n'));

  mkdirSync(options.artifactsDir, { recursive: true });
  const file = join(options.artifactsDir, 'latest.json');
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        durationSeconds: (performance.now() - t0) / 1000,
        where,
        settings: { ...options, adminUrl: undefined },
        postgres: serverVersion,
        backgroundBusyPctBeforeRun: background,
        rowsAfter: counts,
        benches: outcomes,
        table,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nResults written to ${file} (${((performance.now() - t0) / 1000).toFixed(0)} s total).`);
  return errored.length > 0 ? 1 : 0;
}

// A watchdog: whatever happens, the bench ends.
const watchdog = setTimeout(() => {
  console.error('!!! bench watchdog: still running after 15 minutes; killing the servers');
  killAllChildren();
  process.exit(1);
}, 15 * 60_000);
process.on('SIGINT', () => {
  killAllChildren();
  process.exit(130);
});
process.on('exit', () => killAllChildren());

main()
  .then((code) => {
    clearTimeout(watchdog);
    process.exitCode = code;
  })
  .catch((err: unknown) => {
    clearTimeout(watchdog);
    console.error('\n!!! bench failed:', err);
    killAllChildren();
    process.exitCode = 1;
  });
