/**
 * Bench settings, read once from the environment. Every knob has a default that
 * keeps `npm run bench` under about two minutes on a 2-core machine.
 */
function num(name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name}=${raw}: expected a number in [${min}, ${max}]`);
  }
  return value;
}

function flag(name: string): boolean {
  return ['1', 'true', 'yes'].includes((process.env[name] ?? '').toLowerCase());
}

export interface BenchOptions {
  /** Admin connection (drops/creates the bench database). */
  adminUrl: string;
  /** The bench database (dropped and recreated on every run). */
  databaseUrl: string;
  databaseName: string;
  /** Measured seconds per server per bench (split over `rounds`). */
  seconds: number;
  /** Warm-up seconds per server per bench, not measured. */
  warmupSeconds: number;
  /** Measured windows per server; service and baseline alternate between them. */
  rounds: number;
  /** Concurrent keep-alive connections of the closed-loop client. */
  connections: number;
  /** postgres.js pool size of both servers. */
  poolMax: number;
  /** Older cases written straight into the fresh database before the servers start. */
  preloadCases: number;
  /** Cases filed before the lookup bench (the set it reads). */
  lookupCases: number;
  /** Bench ids to run (comma list), or all. */
  only: string[] | undefined;
  /** Write a V8 CPU profile of the service child and count its SQL round trips. */
  profile: boolean;
  /** Count SQL round trips per request in both servers (adds a debug hook to the service's client). */
  countQueries: boolean;
  /**
   * What the baseline's intake writes: 'cte' (default) = the same INSERT as the
   * service (cases + case_events + outbox in one CTE statement, prepared), so the
   * ratio measures the framework; 'single' = only the cases row, a stricter
   * comparison that also charges the service for the two rows the product needs.
   */
  baselineIntake: 'single' | 'cte';
  /** Where results (and profiles) go; tests/artifacts/ is gitignored. */
  artifactsDir: string;
}

export function readOptions(): BenchOptions {
  const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const databaseName = process.env.BENCH_DB_NAME ?? 'hotline_bench';
  if (!/^[a-z_][a-z0-9_]*$/.test(databaseName)) throw new Error(`BENCH_DB_NAME=${databaseName}: not a plain identifier`);
  const admin = new URL(adminUrl);
  const databaseUrl = `${admin.protocol}//${admin.username ? `${admin.username}${admin.password ? `:${admin.password}` : ''}@` : ''}${admin.host}/${databaseName}`;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(admin.hostname)) {
    throw new Error(`BENCH_ADMIN_URL must point at loopback (got ${admin.hostname})`);
  }
  const profile = flag('BENCH_PROFILE');
  const baselineIntake = process.env.BENCH_BASELINE_INTAKE ?? 'cte';
  if (baselineIntake !== 'single' && baselineIntake !== 'cte') throw new Error(`BENCH_BASELINE_INTAKE=${baselineIntake}: expected single or cte`);
  return {
    adminUrl,
    databaseUrl,
    databaseName,
    seconds: num('BENCH_SECONDS', 10, { min: 0.5, max: 600 }),
    warmupSeconds: num('BENCH_WARMUP_SECONDS', 5, { min: 0, max: 120 }),
    rounds: Math.round(num('BENCH_ROUNDS', 4, { min: 1, max: 20 })),
    connections: Math.round(num('BENCH_CONNECTIONS', 32, { min: 1, max: 1024 })),
    poolMax: Math.round(num('BENCH_POOL_MAX', 10, { min: 1, max: 100 })),
    preloadCases: Math.round(num('BENCH_PRELOAD_CASES', 20_000, { min: 0, max: 10_000_000 })),
    lookupCases: Math.round(num('BENCH_LOOKUP_CASES', 2000, { min: 1, max: 1_000_000 })),
    only: process.env.BENCH_ONLY
      ? process.env.BENCH_ONLY.split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined,
    profile,
    countQueries: profile || flag('BENCH_COUNT_QUERIES'),
    baselineIntake,
    artifactsDir: process.env.BENCH_ARTIFACTS_DIR ?? 'tests/artifacts/bench',
  };
}
