import type { Lang } from '../../i18n.ts';
import { figureName } from './definitions.ts';
import type { Figures, Metric } from './figures.ts';
import type { Stats } from './stats.ts';

/**
 * CSV for Excel: UTF-8 with a byte-order mark (without it Excel reads Chinese
 * as mojibake), CRLF line ends, RFC 4180 quoting. A cell that a spreadsheet
 * would run as a formula (=, +, -, @, tab, CR at the start) is prefixed with an
 * apostrophe: descriptions are written by the public.
 */
export const BOM = '\uFEFF';

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

const METRIC_NAMES: Record<Metric, { 'zh-CN': string; en: string }> = {
  ack: { 'zh-CN': '签收', en: 'acknowledge' },
  contact: { 'zh-CN': '首次联系', en: 'first contact' },
  reply: { 'zh-CN': '答复', en: 'reply' },
  close: { 'zh-CN': '办结', en: 'close' },
};

const hours = (seconds: number | null) => (seconds === null ? null : Math.round((seconds / 3600) * 100) / 100);

/** The figures as a table: the total first, then one row per group; rates in percent, times in hours. */
export function figuresCsv(stats: Stats, lang: Lang): string {
  const zh = lang === 'zh-CN';
  const counts: Array<[keyof Figures, string, string]> = [
    ['received', '受理量', 'received'],
    ['returned', '退回', 'returned'],
    ['closed', '已办结', 'closed'],
    ['closedOnTime', '按时办结', 'closed on time'],
    ['assigned', '已分派', 'assigned'],
    ['acknowledgedOnTime', '按时签收', 'acknowledged on time'],
    ['evaluated', '参与评价', 'evaluated'],
    ['resolved', '已解决', 'resolved'],
    ['satisfied', '满意及基本满意', 'satisfied'],
  ];
  const rates = ['closure', 'onTimeClosure', 'response', 'resolution', 'satisfaction'] as const;
  const rateKeys = { closure: 'closureRate', onTimeClosure: 'onTimeClosureRate', response: 'responseRate', resolution: 'resolutionRate', satisfaction: 'satisfactionRate' } as const;
  const metrics: Metric[] = ['ack', 'contact', 'reply', 'close'];
  const header = [
    zh ? '分组代码' : 'group code',
    zh ? '分组' : 'group',
    ...counts.map(([, z, e]) => (zh ? z : e)),
    ...rates.map((r) => `${figureName(rateKeys[r], lang)} (%)`),
    ...metrics.flatMap((m) => [
      zh ? `${METRIC_NAMES[m]['zh-CN']}用时中位数（小时）` : `median time to ${METRIC_NAMES[m].en} (hours)`,
      zh ? `${METRIC_NAMES[m]['zh-CN']}用时第90百分位（小时）` : `90th percentile time to ${METRIC_NAMES[m].en} (hours)`,
    ]),
    zh ? '评价过少未排名' : 'too few evaluations',
    zh ? '排名' : 'rank',
  ];
  const row = (key: string, name: string, f: Figures, few: boolean | null, rank: number | null) => [
    key,
    name,
    ...counts.map(([k]) => f[k] as number),
    ...rates.map((r) => f.rates[r]),
    ...metrics.flatMap((m) => [hours(f.times[m].median), hours(f.times[m].p90)]),
    few === null ? '' : few ? (zh ? '是' : 'yes') : zh ? '否' : 'no',
    rank,
  ];
  const lines = [csvLine(header), csvLine(row('all', zh ? '合计' : 'Total', stats.totals, null, null))];
  for (const g of stats.groups) lines.push(csvLine(row(g.key, g.name, g, g.fewEvaluations, g.rank)));
  return BOM + lines.join('');
}
