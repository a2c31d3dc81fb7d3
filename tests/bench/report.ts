import type { Summary } from './load.ts';

export interface BenchRow {
  server: string;
  summary: Summary;
  /** CPU of the server process per completed request. */
  serverCpuUsPerReq: number | null;
  /** CPU of the PostgreSQL backends serving the bench database, per request. */
  pgCpuUsPerReq: number | null;
  /** The rest of the machine's busy CPU per request: PostgreSQL's shared processes, kernel, anything else running. */
  otherCpuUsPerReq: number | null;
  /** Busy share of all cores during the measured windows. */
  machineBusyPct: number | null;
  /** The load generator's CPU per request. */
  clientCpuUsPerReq: number | null;
  /** PostgreSQL traffic per request from the sequential probe (counting mode). */
  pg: { executes: number; parses: number; roundTrips: number } | null;
}

export interface BenchOutcome {
  id: string;
  title: string;
  rows: BenchRow[];
  /** service req/s ÷ baseline req/s, when the bench has a baseline. */
  ratio?: number;
  /**
   * baseline (server + PostgreSQL) CPU per request ÷ the service's: the throughput
   * ratio to expect on a CPU-bound machine where nothing else runs. Steadier than
   * `ratio` when other jobs share the machine.
   */
  cpuRatio?: number;
  target?: number;
  verdict?: 'PASS' | 'BELOW';
  notes: string[];
  /** Failed requests during warm-up (not in the figures, still an error). */
  warmupErrors?: number;
}

const fmt = (n: number | null | undefined, digits = 1) =>
  n === null || n === undefined || Number.isNaN(n) ? '—' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function markdownTable(outcomes: BenchOutcome[]): string {
  const header = [
    'bench',
    'server',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'CPU µs/req: server',
    'PG',
    'client',
    'other',
    'busy %',
    'SQL exec/parse/RT per req',
    'svc/base',
    'by CPU',
    'target',
    'verdict',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`];
  for (const o of outcomes) {
    o.rows.forEach((r, i) => {
      const first = i === 0;
      lines.push(
        `| ${[
          first ? o.id : '',
          r.server,
          fmt(r.summary.rps, 0),
          fmt(r.summary.p50Ms, 2),
          fmt(r.summary.p99Ms, 2),
          r.summary.errors === 0 ? '0' : `**${r.summary.errors}**`,
          fmt(r.serverCpuUsPerReq, 0),
          fmt(r.pgCpuUsPerReq, 0),
          fmt(r.clientCpuUsPerReq, 0),
          fmt(r.otherCpuUsPerReq, 0),
          fmt(r.machineBusyPct, 0),
          r.pg ? `${fmt(r.pg.executes, 1)} / ${fmt(r.pg.parses, 1)} / ${fmt(r.pg.roundTrips, 1)}` : '—',
          first && o.ratio !== undefined ? fmt(o.ratio, 2) : '',
          first && o.cpuRatio !== undefined ? fmt(o.cpuRatio, 2) : '',
          first && o.target !== undefined ? `≥ ${fmt(o.target, 2)}` : '',
          first && o.verdict ? o.verdict : '',
        ].join(' | ')} |`,
      );
    });
  }
  return lines.join('\n');
}
