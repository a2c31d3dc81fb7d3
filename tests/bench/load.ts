/**
 * A bounded closed-loop load generator: `connections` workers, each with one
 * keep-alive connection, send a request, read the whole answer, send the next —
 * until a deadline or a request count. Uses undici's Pool when it is installed
 * (less client CPU), node:http with a keep-alive Agent otherwise.
 */
import http from 'node:http';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface Response {
  status: number;
  body: string;
}

export interface HttpClient {
  kind: 'undici' | 'node:http';
  request(req: LoadRequest): Promise<Response>;
  close(): Promise<void>;
}

export async function createClient(origin: string, connections: number): Promise<HttpClient> {
  try {
    const undici = await import('undici');
    const pool = new undici.Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
    return {
      kind: 'undici',
      async request(req) {
        const res = await pool.request({
          method: req.method,
          path: req.path,
          headers: req.headers,
          body: req.body,
        });
        return { status: res.statusCode, body: await res.body.text() };
      },
      close: () => pool.close(),
    };
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const url = new URL(origin);
  return {
    kind: 'node:http',
    request: (req) =>
      new Promise<Response>((resolve, reject) => {
        const headers: Record<string, string | number> = { ...req.headers };
        if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
        const r = http.request({ agent, host: url.hostname, port: url.port, method: req.method, path: req.path, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        });
        r.on('error', reject);
        r.end(req.body);
      }),
    close: async () => agent.destroy(),
  };
}

export interface LoadSpec {
  client: HttpClient;
  connections: number;
  /** Builds request number i (called outside the timed span). */
  next: (i: number) => LoadRequest;
  /** Statuses that count as success; anything else is an error. */
  expect: (status: number) => boolean;
  /** Stop starting requests after this long… */
  durationMs?: number;
  /** …or after this many (whichever comes first). */
  count?: number;
  /** Keep every latency (off for warm-up and fixtures). */
  record?: boolean;
  onResponse?: (req: LoadRequest, res: Response) => void;
}

export interface LoadResult {
  requests: number;
  /** Answers with an unexpected status. */
  badStatus: number;
  /** Requests that got no answer (socket errors, resets). */
  failed: number;
  elapsedMs: number;
  latenciesMs: number[];
  /** A few examples of what went wrong. */
  errorSamples: string[];
  statusCounts: Record<string, number>;
}

/** Hard ceiling on requests per phase, whatever the settings say. */
const MAX_REQUESTS_PER_PHASE = 5_000_000;

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.durationMs === undefined && spec.count === undefined) throw new Error('runLoad needs durationMs or count');
  const limit = Math.min(spec.count ?? Infinity, MAX_REQUESTS_PER_PHASE);
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  const statusCounts: Record<string, number> = {};
  let started = 0;
  let requests = 0;
  let badStatus = 0;
  let failed = 0;
  const t0 = performance.now();
  const deadline = spec.durationMs !== undefined ? t0 + spec.durationMs : Infinity;

  const sample = (msg: string) => {
    if (errorSamples.length < 5) errorSamples.push(msg.slice(0, 300));
  };

  async function worker() {
    while (started < limit && performance.now() < deadline) {
      const i = started++;
      const req = spec.next(i);
      const begin = performance.now();
      try {
        const res = await spec.client.request(req);
        const ms = performance.now() - begin;
        requests++;
        statusCounts[res.status] = (statusCounts[res.status] ?? 0) + 1;
        if (spec.record) latencies.push(ms);
        if (!spec.expect(res.status)) {
          badStatus++;
          sample(`${req.method} ${req.path} → ${res.status} ${res.body}`);
        } else {
          spec.onResponse?.(req, res);
        }
      } catch (err) {
        requests++;
        failed++;
        statusCounts.failed = (statusCounts.failed ?? 0) + 1;
        sample(`${req.method} ${req.path} → ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      }
    }
  }

  await Promise.all(Array.from({ length: spec.connections }, worker));
  return { requests, badStatus, failed, elapsedMs: performance.now() - t0, latenciesMs: latencies, errorSamples, statusCounts };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export interface Summary {
  requests: number;
  errors: number;
  badStatus: number;
  failed: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  errorSamples: string[];
  statusCounts: Record<string, number>;
}

/** Folds measured windows (rounds) into one figure set. */
export function summarize(results: LoadResult[]): Summary {
  const all = new Float64Array(results.reduce((n, r) => n + r.latenciesMs.length, 0));
  let offset = 0;
  for (const r of results) {
    all.set(r.latenciesMs, offset);
    offset += r.latenciesMs.length;
  }
  all.sort();
  const requests = results.reduce((n, r) => n + r.requests, 0);
  const badStatus = results.reduce((n, r) => n + r.badStatus, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const seconds = results.reduce((n, r) => n + r.elapsedMs, 0) / 1000;
  const statusCounts: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.statusCounts)) statusCounts[k] = (statusCounts[k] ?? 0) + v;
  return {
    requests,
    errors: badStatus + failed,
    badStatus,
    failed,
    seconds,
    rps: seconds > 0 ? requests / seconds : 0,
    p50Ms: percentile(all, 50),
    p90Ms: percentile(all, 90),
    p99Ms: percentile(all, 99),
    maxMs: all.length ? (all[all.length - 1] as number) : Number.NaN,
    errorSamples: results.flatMap((r) => r.errorSamples).slice(0, 5),
    statusCounts,
  };
}
