/**
 * The sign-in burst: 30 sign-ins at once (one client address's whole
 * allowance) against the real service on PostgreSQL, each to its own account,
 * all with the right password. Reports the service child's memory (RSS) before,
 * at its peak (sampled from /proc every 10 ms) and after, and the latency seen
 * by the client. Run for hashes at today's parameters, then for hashes made with
 * the old ones (scrypt N=2^17, r=8, p=1: 128 MiB each), which the service still
 * verifies — one at a time — and replaces on the way.
 */
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { CURRENT_PARAMS, hashPassword, type ScryptParams } from '../../api/password.ts';
import { percentile, type Summary } from './load.ts';
import type { BenchOutcome, BenchRow } from './report.ts';
import type { BenchEnv } from './run.ts';

const BURST = Number(process.env.BENCH_SIGNIN_BURST ?? 30);
const PASSWORD = 'bench sign-in passphrase';
const OLD_PARAMS: ScryptParams = { ln: 17, r: 8, p: 1 };
/** The ceiling this bench holds the new hashing to: a Worker isolate has 128 MB in all. */
const TARGET_GROWTH_MIB = 64;

export const signInBench = {
  id: 'signin',
  title: `${BURST} concurrent sign-ins (POST /api/staff/session), memory and latency`,
  async run(env: BenchEnv): Promise<BenchOutcome> {
    const variants = [
      { name: `scrypt ln=${CURRENT_PARAMS.ln},r=${CURRENT_PARAMS.r},p=${CURRENT_PARAMS.p}`, params: CURRENT_PARAMS },
      ...(process.env.BENCH_SIGNIN_OLD === '0' ? [] : [{ name: 'old: scrypt ln=17,r=8,p=1', params: OLD_PARAMS }]),
    ];
    const sql = postgres(env.options.databaseUrl, { max: 1, onnotice: () => {} });
    const rows: BenchRow[] = [];
    const notes: string[] = [];
    let growthNew = Number.NaN;
    try {
      for (const [v, variant] of variants.entries()) {
        env.log(`signin: ${BURST} accounts with ${variant.name} hashes`);
        // One hash for all the accounts of a variant: the work per sign-in is the same.
        const hash = await hashPassword(PASSWORD, variant.params);
        const emails = Array.from({ length: BURST + 1 }, (_, i) => `bench-${v}-${i}-${Date.now()}@office.test`);
        await sql`INSERT INTO staff_users ${sql(emails.map((email) => ({ email, name: 'bench', role: 'dispatcher', password_hash: hash })))}`;
        // One sign-in first, so that the burst measures sign-ins and not the first call's warm-up.
        const warm = await signIn(env, emails[BURST]!);
        if (warm.status !== 200) throw new Error(`signin: warm-up sign-in → ${warm.status} ${warm.body}`);

        const pid = env.service.handle.pid;
        const before = rssBytes(pid);
        let peak = before;
        const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 10);
        const cpuBefore = await env.service.handle.stats();
        const t0 = performance.now();
        const results = await Promise.all(
          emails.slice(0, BURST).map(async (email) => {
            const started = performance.now();
            const res = await signIn(env, email).catch((err: unknown) => ({ status: 0, body: String(err) }));
            return { ms: performance.now() - started, status: res.status, body: res.body };
          }),
        );
        const elapsedMs = performance.now() - t0;
        clearInterval(sampler);
        peak = Math.max(peak, rssBytes(pid));
        const cpuAfter = await env.service.handle.stats();
        const after = rssBytes(pid);

        const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
        const bad = results.filter((r) => r.status !== 200);
        const statusCounts: Record<string, number> = {};
        for (const r of results) statusCounts[r.status] = (statusCounts[r.status] ?? 0) + 1;
        const summary: Summary = {
          requests: results.length,
          errors: bad.length,
          badStatus: bad.filter((r) => r.status !== 0).length,
          failed: bad.filter((r) => r.status === 0).length,
          seconds: elapsedMs / 1000,
          rps: results.length / (elapsedMs / 1000),
          p50Ms: percentile(latencies, 50),
          p90Ms: percentile(latencies, 90),
          p99Ms: percentile(latencies, 99),
          maxMs: latencies.at(-1) ?? Number.NaN,
          errorSamples: bad.slice(0, 3).map((r) => `${r.status} ${r.body.slice(0, 200)}`),
          statusCounts,
        };
        rows.push({
          server: variant.name,
          summary,
          serverCpuUsPerReq: (cpuAfter.cpuUs - cpuBefore.cpuUs) / results.length,
          pgCpuUsPerReq: null,
          otherCpuUsPerReq: null,
          machineBusyPct: null,
          clientCpuUsPerReq: null,
          pg: null,
        });
        const mib = (b: number) => (b / 2 ** 20).toFixed(0);
        const growth = (peak - before) / 2 ** 20;
        if (v === 0) growthNew = growth;
        notes.push(
          `${variant.name}: RSS ${mib(before)} MiB before → peak ${mib(peak)} MiB (+${growth.toFixed(0)} MiB) → ${mib(after)} MiB after; ` +
            `p50 ${summary.p50Ms.toFixed(0)} ms, p99 ${summary.p99Ms.toFixed(0)} ms, all ${BURST} in ${(elapsedMs / 1000).toFixed(1)} s; ` +
            `server CPU ${((cpuAfter.cpuUs - cpuBefore.cpuUs) / 1000 / results.length).toFixed(0)} ms per sign-in`,
        );
      }
    } finally {
      await sql.end({ timeout: 5 });
    }
    notes.push(
      `target: peak RSS growth under ${TARGET_GROWTH_MIB} MiB for the new hashing (at most 4 hashes of 8 MiB at once, the rest wait in line); the old hashes each take every slot and run one at a time`,
    );
    return {
      id: 'signin',
      title: signInBench.title,
      rows,
      verdict: growthNew < TARGET_GROWTH_MIB ? 'PASS' : 'BELOW',
      notes,
    };
  },
};

function signIn(env: BenchEnv, email: string) {
  return env.service.client.request({
    method: 'POST',
    path: '/api/staff/session',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
}

/** Resident memory of a process, from /proc (Linux). */
function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}
