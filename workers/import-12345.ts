/**
 * Imports historical 12345 work orders from a CSV file (Node only):
 *
 *   npm run import:12345 -- orders.csv [--lang en] [--station TJ] [--batch 500]
 *
 * The first row names the columns, as the feed names an order's fields
 * (any order; unknown columns are ignored; the Chinese names of a typical
 * 12345 export are accepted too):
 *
 *   orderNo (工单编号), receivedAt (受理时间), dispatchedAt (派单时间),
 *   callerName (来电人), callerPhone (来电号码), content (诉求内容),
 *   kind (诉求类型: consult/help/complaint/report/suggestion or 咨询/求助/投诉/举报/建议),
 *   category (问题分类), address (地址), urgency (紧急程度: normal/urgent/emergency
 *   or 一般/紧急/特急), ackDueAt (签收时限), dueAt (办结时限), station (车站)
 *
 * Required: orderNo, receivedAt, dispatchedAt, callerPhone, content, kind,
 * urgency, dueAt. Times are ISO 8601 or `YYYY-MM-DD HH:mm[:ss]` (Asia/Shanghai).
 *
 * Rows go through the same domain function as the feed (ingestOrders), in
 * batches, streamed: a file of any size uses little memory. Importing the same
 * file twice is harmless (orders are idempotent on orderNo). Rejected rows are
 * printed and written beside the file as `<file>.rejected.csv` — their original
 * columns after `rejected_row` and `rejected_reason`, so the file can be fixed
 * and imported again as it is.
 *
 * Exit code: 0 all rows imported, 2 some rows rejected, 1 fatal error.
 */
import { createReadStream, existsSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse';
import { type Config, ConfigError, loadConfig } from '../api/config.ts';
import { type Ctx, systemClock } from '../api/context.ts';
import { ingestOrders, MAX_ORDERS_PER_PUSH, type OrderResult } from '../api/domain/feed12345/ingest.ts';
import { createReferenceCache } from '../api/domain/reference.ts';
import { parseLang } from '../api/i18n.ts';
import { createLogger } from '../api/logger.ts';
import { openDatabase } from '../db/setup.ts';

export const COLUMNS = ['orderNo', 'receivedAt', 'dispatchedAt', 'callerName', 'callerPhone', 'content', 'kind', 'category', 'address', 'urgency', 'ackDueAt', 'dueAt', 'station'] as const;
export const REQUIRED_COLUMNS = ['orderNo', 'receivedAt', 'dispatchedAt', 'callerPhone', 'content', 'kind', 'urgency', 'dueAt'] as const;

const ALIASES: Record<string, (typeof COLUMNS)[number]> = {
  工单编号: 'orderNo',
  工单号: 'orderNo',
  受理时间: 'receivedAt',
  派单时间: 'dispatchedAt',
  来电人: 'callerName',
  来电人姓名: 'callerName',
  来电号码: 'callerPhone',
  联系电话: 'callerPhone',
  诉求内容: 'content',
  诉求类型: 'kind',
  问题分类: 'category',
  地址: 'address',
  事发地址: 'address',
  紧急程度: 'urgency',
  签收时限: 'ackDueAt',
  办结时限: 'dueAt',
  车站: 'station',
};
const URGENCY_ALIASES: Record<string, string> = { 一般: 'normal', 普通: 'normal', 紧急: 'urgent', 特急: 'emergency', 特别紧急: 'emergency' };
/** Columns of a rejected-rows file, skipped when it is imported again. */
const REPORT_COLUMNS = new Set(['rejected_row', 'rejected_reason']);

export interface RejectedRow {
  /** The row as a spreadsheet numbers it: the header is row 1, the first order row 2. */
  row: number;
  orderNo: string | null;
  reason: string;
}

export interface ImportReport {
  file: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: RejectedRow[];
  /** Where the rejected rows were written, when there were any. */
  rejectedFile: string | undefined;
  ignoredColumns: string[];
}

export interface ImportProgress {
  bytes: number;
  totalBytes: number;
  rows: number;
}

export class ImportError extends Error {
  override name = 'ImportError';
}

/** Maps a header cell to a field name (or keeps it, to be ignored). */
function columnName(header: string): string {
  const h = header.trim().replace(/^\uFEFF/, '');
  const known = COLUMNS.find((c) => c.toLowerCase() === h.toLowerCase());
  return known ?? ALIASES[h] ?? h;
}

/** A CSV record as an order: blank cells are missing fields. */
function toOrder(record: Record<string, string>): Record<string, unknown> {
  const order: Record<string, unknown> = {};
  for (const c of COLUMNS) {
    const v = record[c]?.trim();
    if (v) order[c] = c === 'urgency' ? (URGENCY_ALIASES[v] ?? v) : v;
  }
  return order;
}

/**
 * Streams a CSV file of orders into the database through ingestOrders, in
 * batches, and writes the rejected rows beside it. Throws ImportError for a
 * file it cannot read as orders (missing, no header, required columns absent).
 */
export async function importOrdersCsv({
  ctx,
  file,
  batchSize = MAX_ORDERS_PER_PUSH,
  defaultStation,
  onProgress,
}: {
  ctx: Ctx;
  file: string;
  batchSize?: number;
  defaultStation?: string | undefined;
  onProgress?: (p: ImportProgress) => void;
}): Promise<ImportReport> {
  const path = resolve(file);
  if (!existsSync(path)) throw new ImportError(`no such file: ${file}`);
  const totalBytes = statSync(path).size;
  const report: ImportReport = { file: path, rows: 0, created: 0, updated: 0, unchanged: 0, rejected: [], rejectedFile: undefined, ignoredColumns: [] };
  let header: string[] = [];
  const rejectedRecords: Array<{ row: number; reason: string; record: Record<string, string> }> = [];

  const input = createReadStream(path);
  let bytes = 0;
  input.on('data', (chunk) => {
    bytes += chunk.length;
  });
  const parser = input.pipe(
    parse({
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      columns: (cells: string[]) => {
        header = cells.map((c) => c.trim());
        const names = cells.map(columnName);
        const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
        if (missing.length) throw new ImportError(`the header row lacks required columns: ${missing.join(', ')} (found: ${header.join(', ') || 'nothing'})`);
        report.ignoredColumns = header.filter((h, i) => !(COLUMNS as readonly string[]).includes(names[i]!) && !REPORT_COLUMNS.has(h));
        return names;
      },
    }),
  );

  let batch: Array<{ row: number; order: Record<string, unknown>; record: Record<string, string> }> = [];
  const flush = async () => {
    if (!batch.length) return;
    const { results } = await ingestOrders({
      ctx,
      input: { orders: batch.map((b) => b.order), source: 'import', defaultStation, actorId: `import:${basename(path)}`.slice(0, 100) },
    });
    for (const r of results) count(report, r, batch[r.index]!, rejectedRecords);
    batch = [];
    onProgress?.({ bytes, totalBytes, rows: report.rows });
  };
  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      report.rows++;
      batch.push({ row: report.rows + 1, order: toOrder(record), record });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } finally {
    input.destroy();
  }
  if (!header.length) throw new ImportError(`${file} is empty: it needs a header row naming the columns`);
  onProgress?.({ bytes: totalBytes, totalBytes, rows: report.rows });

  const rejectedFile = `${path}.rejected.csv`;
  if (rejectedRecords.length) {
    writeRejected(rejectedFile, header, rejectedRecords);
    report.rejectedFile = rejectedFile;
  } else if (existsSync(rejectedFile)) {
    unlinkSync(rejectedFile); // a report from an earlier run would now mislead
  }
  return report;
}

function count(
  report: ImportReport,
  r: OrderResult,
  source: { row: number; record: Record<string, string> },
  rejected: Array<{ row: number; reason: string; record: Record<string, string> }>,
) {
  if (r.result !== 'rejected') {
    report[r.result]++;
    return;
  }
  const details = r.reason.fields?.map((f) => `${f.field}: ${f.message}`).join('; ');
  const reason = details ? `${r.reason.message} (${details})` : r.reason.message;
  report.rejected.push({ row: source.row, orderNo: r.orderNo, reason });
  rejected.push({ row: source.row, reason, record: source.record });
}

const csvCell = (v: string) => (/[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

function writeRejected(file: string, header: string[], rows: Array<{ row: number; reason: string; record: Record<string, string> }>) {
  const names = header.map(columnName);
  const keep = header.map((h, i) => ({ h, key: names[i]! })).filter(({ h }) => !REPORT_COLUMNS.has(h));
  const lines = [['rejected_row', 'rejected_reason', ...keep.map((k) => k.h)].map(csvCell).join(',')];
  for (const r of rows) lines.push([String(r.row), r.reason, ...keep.map((k) => r.record[k.key] ?? '')].map(csvCell).join(','));
  // BOM: spreadsheet programs then read the Chinese text as UTF-8.
  writeFileSync(file, `\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** A progress bar on stderr when it is a terminal; a line per 10 % when it is not (CI, a log file). */
export function progressBar(stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let lastDraw = 0;
  let lastTenth = -1;
  return {
    update({ bytes, totalBytes, rows }: ImportProgress) {
      const ratio = totalBytes ? Math.min(1, bytes / totalBytes) : 1;
      const rate = Math.round(rows / Math.max(0.001, (Date.now() - started) / 1000));
      if (stream.isTTY) {
        if (Date.now() - lastDraw < 100 && ratio < 1) return;
        lastDraw = Date.now();
        const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 45));
        const filled = Math.round(ratio * width);
        stream.write(
          `\r[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%  ${rows.toLocaleString('en')} rows  ${rate.toLocaleString('en')}/s `,
        );
      } else {
        const tenth = Math.floor(ratio * 10);
        if (tenth === lastTenth) return;
        lastTenth = tenth;
        stream.write(`import: ${tenth * 10}% (${rows.toLocaleString('en')} rows, ${rate.toLocaleString('en')}/s)\n`);
      }
    },
    done() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}

const HELP = `Imports historical 12345 work orders from a CSV file.

  npm run import:12345 -- FILE.csv [--lang zh-CN|en] [--station CODE] [--batch N]

The first row names the columns (any order; unknown columns are ignored):
  orderNo, receivedAt, dispatchedAt, callerName, callerPhone, content, kind,
  category, address, urgency, ackDueAt, dueAt, station
or the Chinese names 工单编号, 受理时间, 派单时间, 来电人, 来电号码, 诉求内容,
诉求类型, 问题分类, 地址, 紧急程度, 签收时限, 办结时限, 车站.
Required: orderNo, receivedAt, dispatchedAt, callerPhone, content, kind, urgency, dueAt.
kind: consult|help|complaint|report|suggestion or 咨询|求助|投诉|举报|建议
urgency: normal|urgent|emergency or 一般|紧急|特急
Times: ISO 8601, or "YYYY-MM-DD HH:mm[:ss]" read as Asia/Shanghai.

Uses DATABASE_URL when set, else the embedded database in DATA_DIR (as npm start).
Orders already known are updated or left unchanged, so a file can be imported again.
Rejected rows are listed and written to FILE.csv.rejected.csv (fix them there and
import that file). Exit code: 0 all imported, 2 some rows rejected, 1 fatal error.
  --lang     language of the rejection reasons (default zh-CN)
  --station  station code for rows without one (default: the first station)
  --batch    orders per transaction (default 500)
`;

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const flag = (name: string) => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const value = args[i + 1];
    args.splice(i, 2);
    return value;
  };
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  const lang = parseLang(flag('--lang')) ?? 'zh-CN';
  const station = flag('--station');
  const batch = Number(flag('--batch') ?? MAX_ORDERS_PER_PUSH);
  const [file, ...extra] = args;
  if (!file || extra.length || !Number.isInteger(batch) || batch < 1 || batch > 5000) {
    process.stderr.write(HELP);
    return 1;
  }
  if (!existsSync(file)) {
    process.stderr.write(`import failed: no such file: ${file}\n`);
    return 1;
  }
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const logger = createLogger(config.logLevel === 'silent' ? 'silent' : 'warn', (line) => process.stderr.write(`${line}\n`));
  const database = await openDatabase(config);
  const ctx: Ctx = { db: database.db, clock: systemClock, config, logger, reference: createReferenceCache(), requestId: 'import-12345', lang };
  const bar = progressBar();
  const started = Date.now();
  try {
    const report = await importOrdersCsv({ ctx, file, batchSize: batch, defaultStation: station, onProgress: (p) => bar.update(p) });
    bar.done();
    const seconds = (Date.now() - started) / 1000;
    if (report.ignoredColumns.length) process.stderr.write(`ignored columns: ${report.ignoredColumns.join(', ')}\n`);
    for (const r of report.rejected) process.stdout.write(`row ${r.row}${r.orderNo ? ` (${r.orderNo})` : ''}: ${r.reason}\n`);
    process.stdout.write(
      `${report.rows} rows in ${seconds.toFixed(1)} s: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected.length} rejected\n`,
    );
    if (report.rejectedFile) process.stdout.write(`rejected rows written to ${report.rejectedFile}\n`);
    return report.rejected.length ? 2 : 0;
  } catch (err) {
    bar.done();
    process.stderr.write(`import failed: ${err instanceof ImportError ? err.message : ((err as Error).stack ?? String(err))}\n`);
    process.stderr.write('Batches committed before the failure stay; import the file again to finish (known orders are skipped).\n');
    return 1;
  } finally {
    await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`import failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
