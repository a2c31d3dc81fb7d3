import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { caseEvents, cases } from '../../db/schema.ts';
import { COLUMNS, ImportError, type ImportProgress, importOrdersCsv } from '../../workers/import-12345.ts';
import { makeOrder } from '../fakes/platform-12345.ts';
import { fixedClock, jobContext, useTestApp } from '../helpers/app.ts';

const clock = fixedClock('2026-03-05T02:30:00Z');
const t = useTestApp({ clock });
const dir = mkdtempSync(join(tmpdir(), 'import-12345-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cell = (v: unknown) => {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
function writeCsv(name: string, header: readonly string[], rows: Array<Record<string, unknown>>, keys: readonly string[] = header) {
  const file = join(dir, name);
  writeFileSync(file, `${[header.map(cell).join(','), ...rows.map((r) => keys.map((k) => cell(r[k])).join(','))].join('\n')}\n`);
  return file;
}
const countCases = async (orderNos: string[]) =>
  (
    await t.db
      .select({ id: cases.id })
      .from(cases)
      .where(and(eq(cases.channel, '12345'), inArray(cases.externalRef, orderNos)))
  ).length;

describe('CSV import of historical 12345 orders', () => {
  it('imports the good rows in batches, reports the bad ones by row and writes them beside the file', async () => {
    const good = Array.from({ length: 23 }, (_, i) =>
      makeOrder(
        i === 0 ? { content: '多行内容，含逗号，\n第二行 "引号"', kind: '求助', urgency: '紧急', callerName: '' } : { dispatchedAt: '2026-03-01 10:00', receivedAt: '2026-03-01 09:30' },
      ),
    );
    const bad = [makeOrder({ callerPhone: '000' }), makeOrder({ kind: '闲聊' }), makeOrder({ dueAt: '' }), makeOrder({ dueAt: '2026-02-01T00:00:00+08:00' })];
    // Bad rows at spreadsheet rows 5, 10, 15 and 28 (the header is row 1).
    const rows = [...good];
    rows.splice(3, 0, bad[0]!);
    rows.splice(8, 0, bad[1]!);
    rows.splice(13, 0, bad[2]!);
    rows.push(bad[3]!);
    const file = writeCsv(
      'orders.csv',
      [...COLUMNS, 'remark'],
      rows.map((r) => ({ ...r, remark: 'x' })),
    );
    const progress: ImportProgress[] = [];
    const report = await importOrdersCsv({ ctx: jobContext(t, clock), file, batchSize: 10, onProgress: (p) => progress.push(p) });

    expect(report).toMatchObject({ rows: 27, created: 23, updated: 0, unchanged: 0, ignoredColumns: ['remark'] });
    expect(report.rejected.map((r) => [r.row, r.orderNo])).toEqual([
      [5, bad[0]!.orderNo],
      [10, bad[1]!.orderNo],
      [15, bad[2]!.orderNo],
      [28, bad[3]!.orderNo],
    ]);
    expect(report.rejected[0]!.reason).toBe('工单内容有误：callerPhone (callerPhone: 请输入有效的手机号码)');
    expect(report.rejected[3]!.reason).toContain('dueAt');
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)).toMatchObject({ rows: 27 });
    expect(progress.at(-1)!.bytes).toBe(progress.at(-1)!.totalBytes);
    expect(await countCases(good.map((o) => o.orderNo))).toBe(23);
    expect(await countCases(bad.map((o) => o.orderNo))).toBe(0);

    const [first] = await t.db
      .select()
      .from(cases)
      .where(and(eq(cases.channel, '12345'), eq(cases.externalRef, good[0]!.orderNo)));
    expect(first).toMatchObject({ kind: 'help', priority: 'yellow', reporterName: null });
    expect(first!.description).toContain('多行内容，含逗号，\n第二行 "引号"');
    const [created] = await t.db.select().from(caseEvents).where(eq(caseEvents.caseId, first!.id));
    expect(created).toMatchObject({ type: 'created', actorType: 'feed', actorId: 'import:orders.csv', data: expect.objectContaining({ source: 'import' }) });

    // The rejected rows, with their original columns, ready to be fixed and imported again.
    expect(report.rejectedFile).toBe(`${file}.rejected.csv`);
    const written = parse(readFileSync(report.rejectedFile!, 'utf8'), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(written.map((r) => [r.rejected_row, r.orderNo])).toEqual(report.rejected.map((r) => [String(r.row), r.orderNo]));
    expect(written[0]!.rejected_reason).toBe(report.rejected[0]!.reason);
    expect(written[0]!.content).toBe(bad[0]!.content);

    writeFileSync(report.rejectedFile!, readFileSync(report.rejectedFile!, 'utf8').replace(',000,', ',13800001234,'));
    const retry = await importOrdersCsv({ ctx: jobContext(t, clock), file: report.rejectedFile! });
    expect(retry).toMatchObject({ rows: 4, created: 1, ignoredColumns: ['remark'] });
    expect(retry.rejected).toHaveLength(3);

    // The same file again: nothing new, and the same rows rejected.
    const again = await importOrdersCsv({ ctx: jobContext(t, clock), file });
    expect(again).toMatchObject({ rows: 27, created: 0, unchanged: 23 });
    expect(again.rejected).toHaveLength(4);
  });

  it('reads the Chinese column names of a 12345 export and removes a stale rejected-rows file', async () => {
    const header = ['工单编号', '受理时间', '派单时间', '来电人', '来电号码', '诉求内容', '诉求类型', '问题分类', '地址', '紧急程度', '办结时限', '车站'];
    const keys = ['orderNo', 'receivedAt', 'dispatchedAt', 'callerName', 'callerPhone', 'content', 'kind', 'category', 'address', 'urgency', 'dueAt', 'station'];
    const orders = [makeOrder({ kind: '投诉', urgency: '一般', category: '占道经营' }), makeOrder({ kind: '举报', urgency: '特急' })];
    const file = writeCsv('export.csv', header, orders, keys);
    writeFileSync(`${file}.rejected.csv`, 'old report\n');
    const report = await importOrdersCsv({ ctx: jobContext(t, clock), file });
    expect(report).toMatchObject({ rows: 2, created: 2, rejected: [], rejectedFile: undefined });
    expect(existsSync(`${file}.rejected.csv`)).toBe(false);
    const [red] = await t.db
      .select()
      .from(cases)
      .where(and(eq(cases.channel, '12345'), eq(cases.externalRef, orders[1]!.orderNo)));
    expect(red).toMatchObject({ kind: 'report', priority: 'red' });
  });

  it('refuses a file it cannot read as orders', async () => {
    const ctx = jobContext(t, clock);
    await expect(importOrdersCsv({ ctx, file: join(dir, 'missing.csv') })).rejects.toThrow(ImportError);
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    await expect(importOrdersCsv({ ctx, file: empty })).rejects.toThrow(/header row/);
    const noDue = writeCsv('no-due.csv', ['orderNo', 'receivedAt', 'dispatchedAt', 'callerPhone', 'content', 'kind', 'urgency'], [makeOrder()]);
    await expect(importOrdersCsv({ ctx, file: noDue })).rejects.toThrow(/dueAt/);
  });

  it('runs as `npm run import:12345`: help, exit 2 with rejected rows, exit 1 on a fatal error', { timeout: 120_000 }, () => {
    const env: Record<string, string | undefined> = { ...process.env, DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' };
    const url = inject('databaseUrl');
    if (url) env.DATABASE_URL = url;
    else delete env.DATABASE_URL;
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'workers/import-12345.ts', ...args], { env, encoding: 'utf8', timeout: 100_000 });

    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('orderNo, receivedAt, dispatchedAt');
    // Real time here: orders from 2026-03 are history.
    const orders = [makeOrder(), makeOrder({ callerPhone: 'none' })];
    const file = writeCsv('cli.csv', COLUMNS, orders);
    const mixed = run(file, '--lang', 'en');
    expect(mixed.stderr).not.toContain('import failed');
    expect(mixed.status).toBe(2);
    expect(mixed.stdout).toContain(`row 3 (${orders[1]!.orderNo}): The order has invalid fields: callerPhone`);
    expect(mixed.stdout).toContain('2 rows');
    expect(mixed.stdout).toContain('1 created');
    expect(existsSync(`${file}.rejected.csv`)).toBe(true);
    expect(mixed.stderr).toMatch(/import: 100%/); // stderr is not a terminal here: progress as lines

    const clean = writeCsv('clean.csv', COLUMNS, [orders[0]!]);
    const ok = run(clean);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('1 unchanged');
    expect(run(join(dir, 'nope.csv')).status).toBe(1);
  });
});
