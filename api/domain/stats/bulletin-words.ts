import type { FigureKey } from '../../contract/enums.ts';
import { statusLabel } from '../../contract/labels.ts';
import type { Lang } from '../../contract/lang.ts';
import { formatTrackingCode } from '../../contract/tracking-code.ts';
import { definitions } from './definitions.ts';

/**
 * The words of the bulletins (日通报, 周汇总) and the monthly report (月报), in
 * zh-CN and en. templates.ts spreads these into its tables; the payloads come
 * from bulletins.ts.
 */
type Payload = Record<string, unknown>;
interface Words {
  subject: (p: Payload) => string;
  body: (p: Payload) => string[];
}

interface Listed {
  trackingCode: string;
  role: 'lead' | 'co';
  station: string;
  category: string;
  location: string | null;
  status: string;
  at: string;
}
interface Summary {
  received: number;
  closed: number;
  evaluated: number;
  closureRate: number | null;
  due?: number;
  late?: number;
  onTimeRate?: number | null;
  redoDue?: number;
  redoLate?: number;
  redoOnTimeRate?: number | null;
  responseRate: number | null;
  firstContactRate?: number | null;
  resolutionRate?: number | null;
  satisfactionRate: number | null;
}

/** The definitions a bulletin's figures need, as on the statistics page. */
const DEFINED: readonly FigureKey[] = ['onTimeRate', 'redoOnTimeRate', 'responseRate', 'firstContactRate', 'resolutionRate', 'satisfactionRate'];

const str = (p: Payload, k: string) => (typeof p[k] === 'string' ? (p[k] as string) : '');
const num = (p: Payload, k: string) => (typeof p[k] === 'number' ? (p[k] as number) : 0);
const list = <T>(p: Payload, k: string) => (Array.isArray(p[k]) ? (p[k] as T[]) : []);
const named = (p: Payload, k: string) => (p[k] as { name?: string } | undefined)?.name ?? '';
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v}%`);
const time = (iso: string) => iso.slice(0, 16).replace('T', ' ');

function period(p: Payload, lang: Lang): string {
  const from = str(p, 'from');
  const to = str(p, 'to');
  if (lang === 'en') return from === to ? from : `${from} to ${to}`;
  return from === to ? from : `${from} 至 ${to}`;
}

function caseLine(c: Listed, lang: Lang, overdue: boolean): string {
  const where = c.location ? `${c.station}·${c.location}` : c.station;
  // Mid-line, so the English name goes lower-case.
  const status = lang === 'en' ? statusLabel(c.status, lang).toLowerCase() : statusLabel(c.status, lang);
  if (lang === 'en') {
    return `${formatTrackingCode(c.trackingCode)}  ${c.category}, ${where}, ${c.role === 'lead' ? 'lead' : 'co-handling'}, ${status}${overdue ? `, due ${time(c.at)}` : ''}`;
  }
  return `${formatTrackingCode(c.trackingCode)}  ${c.category}，${where}，${c.role === 'lead' ? '主办' : '协办'}，${status}${overdue ? `，期限 ${time(c.at)}` : ''}`;
}

function figuresLine(f: Summary | undefined, lang: Lang): string {
  if (!f) return '';
  const due = f.due ?? 0;
  const late = f.late ?? 0;
  const redoDue = f.redoDue ?? 0;
  const redoLate = f.redoLate ?? 0;
  if (lang === 'en') {
    return [
      `received ${f.received}, closed ${f.closed}, closure rate ${pct(f.closureRate)}`,
      `of ${due} due, ${late} answered late, on-time rate ${pct(f.onTimeRate)}`,
      ...(redoDue > 0 ? [`of ${redoDue} redos due, ${redoLate} answered late, redo on-time rate ${pct(f.redoOnTimeRate)}`] : []),
      `response rate ${pct(f.responseRate)}, first contact within 24 h ${pct(f.firstContactRate)}`,
      `satisfaction ${pct(f.satisfactionRate)} (${f.evaluated} evaluated), resolution ${pct(f.resolutionRate)}`,
    ].join('; ');
  }
  return [
    `受理 ${f.received} 件，办结 ${f.closed} 件，办结率 ${pct(f.closureRate)}`,
    `${due} 件应办结工单中 ${late} 件超时办结，按期办结率 ${pct(f.onTimeRate)}`,
    ...(redoDue > 0 ? [`${redoDue} 件应办结重办工单中 ${redoLate} 件超时办结，重办按期率 ${pct(f.redoOnTimeRate)}`] : []),
    `响应率 ${pct(f.responseRate)}，24小时内首次联系率 ${pct(f.firstContactRate)}`,
    `满意率 ${pct(f.satisfactionRate)}（评价 ${f.evaluated} 件），解决率 ${pct(f.resolutionRate)}`,
  ].join('；');
}

/** The definitions of the figures above, as published (a line each). */
function definitionLines(lang: Lang): string[] {
  const wanted = new Set<FigureKey>(DEFINED);
  return [lang === 'en' ? 'Definitions:' : '统计口径：', ...definitions(lang).flatMap((d) => (wanted.has(d.key) ? [`  ${d.name}${lang === 'en' ? ': ' : '：'}${d.text}`] : []))];
}

function partnerBody(p: Payload, lang: Lang): string[] {
  const fresh = list<Listed>(p, 'newCases');
  const late = list<Listed>(p, 'overdue');
  const more = (shown: number, total: number) => (total > shown ? [lang === 'en' ? `…and ${total - shown} more` : `……另有 ${total - shown} 件`] : []);
  const zh = lang === 'zh-CN';
  return [
    zh ? `${named(p, 'department')}：` : `To ${named(p, 'department')}:`,
    zh ? `站区热线 ${period(p, lang)} 涉及贵单位的案件情况如下。` : `Station Hotline cases touching your unit, ${period(p, lang)}.`,
    zh ? `一、新受理 ${num(p, 'newCount')} 件（主办或协办）` : `1. New cases: ${num(p, 'newCount')} (lead or co-handling)`,
    ...fresh.map((c) => `  ${caseLine(c, lang, false)}`),
    ...more(fresh.length, num(p, 'newCount')),
    zh ? `二、当前超期未办结 ${num(p, 'overdueCount')} 件` : `2. Overdue now: ${num(p, 'overdueCount')}`,
    ...late.map((c) => `  ${caseLine(c, lang, true)}`),
    ...more(late.length, num(p, 'overdueCount')),
    zh ? `三、本期数据（贵单位主办）：${figuresLine(p.figures as Summary, lang)}。` : `3. This period, as lead: ${figuresLine(p.figures as Summary, lang)}.`,
    zh ? `全办合计：${figuresLine(p.office as Summary, lang)}。` : `The whole office: ${figuresLine(p.office as Summary, lang)}.`,
    ...(str(p, 'statsUrl') ? [zh ? `统计口径及更多数据：${str(p, 'statsUrl')}` : `Definitions and more figures: ${str(p, 'statsUrl')}`] : []),
    ...definitionLines(lang),
  ];
}

function monthlyBody(p: Payload, lang: Lang): string[] {
  const zh = lang === 'zh-CN';
  const departments = list<Summary & { department: { name: string } }>(p, 'departments');
  const top = list<{ category: string; location: string; count: number; change: number }>(p, 'topProblems');
  const sign = (n: number) => (n > 0 ? `+${n}` : String(n));
  return [
    zh
      ? `${str(p, 'month')} 站区热线办理情况（按受理日统计；按期办结率按答复期限所在日统计）：`
      : `Station Hotline, ${str(p, 'month')} (cases received in the month; the on-time rate by the month of the reply deadline):`,
    zh ? `全办：${figuresLine(p.figures as Summary, lang)}。` : `Whole office: ${figuresLine(p.figures as Summary, lang)}.`,
    zh ? '各主办部门：' : 'By lead department:',
    ...departments.map((d) => `  ${d.department.name}${zh ? '：' : ': '}${figuresLine(d, lang)}`),
    zh ? '每月一题（受理最多的问题类别 × 地点，较上月同期）：' : 'Top problems of the month (category × location, against the same days of the month before):',
    ...(top.length
      ? top.map((t, i) =>
          zh ? `  ${i + 1}. ${t.category} @ ${t.location}：${t.count} 件（${sign(t.change)}）` : `  ${i + 1}. ${t.category} @ ${t.location}: ${t.count} (${sign(t.change)})`,
        )
      : [zh ? '  本月无受理。' : '  Nothing received this month.']),
    ...(str(p, 'statsUrl') ? [zh ? `统计页：${str(p, 'statsUrl')}` : `Statistics page: ${str(p, 'statsUrl')}`] : []),
    ...definitionLines(lang),
  ];
}

export const BULLETIN_WORDS_ZH: Record<string, Words> = {
  bulletin_daily: {
    subject: (p) => `【日通报】${named(p, 'department')} ${period(p, 'zh-CN')}：新受理 ${num(p, 'newCount')} 件，超期 ${num(p, 'overdueCount')} 件`,
    body: (p) => partnerBody(p, 'zh-CN'),
  },
  bulletin_weekly: {
    subject: (p) => `【周汇总】${named(p, 'department')} ${period(p, 'zh-CN')}：新受理 ${num(p, 'newCount')} 件，超期 ${num(p, 'overdueCount')} 件`,
    body: (p) => partnerBody(p, 'zh-CN'),
  },
  report_monthly: {
    subject: (p) => `【月报】${str(p, 'month')} 站区热线办理情况`,
    body: (p) => monthlyBody(p, 'zh-CN'),
  },
};

export const BULLETIN_WORDS_EN: Record<string, Words> = {
  bulletin_daily: {
    subject: (p) => `[Daily bulletin] ${named(p, 'department')} ${period(p, 'en')}: ${num(p, 'newCount')} new, ${num(p, 'overdueCount')} overdue`,
    body: (p) => partnerBody(p, 'en'),
  },
  bulletin_weekly: {
    subject: (p) => `[Weekly summary] ${named(p, 'department')} ${period(p, 'en')}: ${num(p, 'newCount')} new, ${num(p, 'overdueCount')} overdue`,
    body: (p) => partnerBody(p, 'en'),
  },
  report_monthly: {
    subject: (p) => `[Monthly report] Station Hotline, ${str(p, 'month')}`,
    body: (p) => monthlyBody(p, 'en'),
  },
};
