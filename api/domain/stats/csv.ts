import type { FigureKey } from '../../contract/enums.ts';
import { rateBases } from '../../contract/wire/stats.ts';
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

type Count = Exclude<keyof Figures, 'rates' | 'times'>;
const COUNTS: Array<[Count, string, string]> = [
  ['received', '受理量', 'received'],
  ['returned', '退回', 'returned'],
  ['closed', '已办结', 'closed'],
  ['due', '应办结', 'due'],
  ['dueOnTime', '按期办结', 'answered on time'],
  ['dueLate', '超时办结', 'late'],
  ['dueRunning', '未到期', 'clock running'],
  ['redoDue', '重办应办结', 'redo due'],
  ['redoOnTime', '重办按期', 'redo on time'],
  ['redoLate', '重办超时', 'redo late'],
  ['redoRunning', '重办未到期', 'redo clock running'],
  ['ackDue', '应签收', 'acknowledge due'],
  ['ackOnTime', '按时签收', 'acknowledged on time'],
  ['ackRunning', '签收未到期', 'acknowledge clock running'],
  ['contactDue', '应首次联系', 'first contact due'],
  ['contactWithin24h', '24小时内首次联系', 'contacted within 24 h'],
  ['contactRunning', '受理未满24小时未联系', 'first contact clock running'],
  ['evaluated', '参与评价', 'evaluated'],
  ['resolutionKnown', '是否解决已知', 'resolution known'],
  ['resolved', '已解决', 'resolved'],
  ['satisfied', '满意及基本满意', 'satisfied'],
];
const RATES = [
  ['closure', 'closureRate'],
  ['onTime', 'onTimeRate'],
  ['redoOnTime', 'redoOnTimeRate'],
  ['response', 'responseRate'],
  ['firstContact', 'firstContactRate'],
  ['resolution', 'resolutionRate'],
  ['satisfaction', 'satisfactionRate'],
] as const satisfies ReadonlyArray<readonly [keyof Figures['rates'], FigureKey]>;

/**
 * The figures as a table: the total first, then one row per group; rates in
 * percent, times in hours. After a blank line, the definitions, as on the
 * statistics page (name, text).
 */
export function figuresCsv(stats: Stats, lang: Lang): string {
  const zh = lang === 'zh-CN';
  const metrics: Metric[] = ['ack', 'contact', 'reply', 'close'];
  const header = [
    zh ? '分组代码' : 'group code',
    zh ? '分组' : 'group',
    ...COUNTS.map(([, z, e]) => (zh ? z : e)),
    ...RATES.map(([, key]) => `${figureName(key, lang)} (%)`),
    ...metrics.flatMap((m) => [
      zh ? `${METRIC_NAMES[m]['zh-CN']}用时中位数（小时）` : `median time to ${METRIC_NAMES[m].en} (hours)`,
      zh ? `${METRIC_NAMES[m]['zh-CN']}用时第90百分位（小时）` : `90th percentile time to ${METRIC_NAMES[m].en} (hours)`,
    ]),
    zh ? '评价过少未排名' : 'too few evaluations',
    zh ? '排名' : 'rank',
    zh ? `样本少（不足 ${stats.minEvaluationsToRank} 件）的比率` : `rates on small samples (fewer than ${stats.minEvaluationsToRank})`,
  ];
  const small = (f: Figures) => {
    const bases = rateBases(f);
    return RATES.filter(([r]) => bases[r] > 0 && bases[r] < stats.minEvaluationsToRank)
      .map(([, key]) => figureName(key, lang))
      .join(zh ? '、' : '; ');
  };
  const row = (key: string, name: string, f: Figures, few: boolean | null, rank: number | null) => [
    key,
    name,
    ...COUNTS.map(([k]) => f[k]),
    ...RATES.map(([r]) => f.rates[r]),
    ...metrics.flatMap((m) => [hours(f.times[m].median), hours(f.times[m].p90)]),
    few === null ? '' : few ? (zh ? '是' : 'yes') : zh ? '否' : 'no',
    rank,
    small(f),
  ];
  const lines = [csvLine(header), csvLine(row('all', zh ? '合计' : 'Total', stats.totals, null, null))];
  for (const g of stats.groups) lines.push(csvLine(row(g.key, g.name, g, g.fewEvaluations, g.rank)));
  lines.push('\r\n', csvLine([zh ? '口径说明' : 'Definitions']));
  for (const d of stats.definitions) lines.push(csvLine([d.name, d.text]));
  return BOM + lines.join('');
}
