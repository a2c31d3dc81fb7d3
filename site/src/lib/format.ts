import { CODE_LENGTH, formatTrackingCode, normalizeTrackingCode } from './contract.ts';
import type { Lang } from './i18n.ts';

/** Every time the site shows is Beijing time, whatever the server's zone. */
export const TIME_ZONE = 'Asia/Shanghai';

function parts(iso: string, lang: Lang) {
  const date = new Date(iso);
  const fmt = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: lang === 'en' ? 'short' : 'numeric',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const out: Record<string, string> = {};
  for (const p of fmt.formatToParts(date)) out[p.type] = p.value;
  return out;
}

/** "2026年3月6日（周五）18:00" / "Fri 6 Mar 2026, 18:00", in Beijing time. */
export function formatDateTime(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '';
  const p = parts(iso, lang);
  return lang === 'en' ? `${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}` : `${p.year}年${p.month}月${p.day}日（${p.weekday}）${p.hour}:${p.minute}`;
}

/**
 * A deadline. Working-day deadlines end at midnight, which reads better as the
 * end of the day before: "2026年3月5日（周四）24:00" / "end of Thu 5 Mar 2026".
 */
export function formatDue(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '';
  const p = parts(iso, lang);
  if (p.hour !== '00' || p.minute !== '00') return formatDateTime(iso, lang);
  const dayBefore = new Date(new Date(iso).getTime() - 60_000).toISOString();
  return lang === 'en' ? `end of ${formatDate(dayBefore, lang)}` : `${formatDate(dayBefore, lang)}24:00`;
}

/** "2026年3月6日（周五）" / "Fri 6 Mar 2026". */
export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '';
  const p = parts(iso, lang);
  return lang === 'en' ? `${p.weekday} ${p.day} ${p.month} ${p.year}` : `${p.year}年${p.month}月${p.day}日（${p.weekday}）`;
}

/** A machine-readable instant for <time datetime>. */
export function isoAttr(iso: string | null | undefined): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Tracking codes are shown in two groups (the contract's format): K7M2Q-X9PRT. */
export function groupCode(code: string): string {
  const clean = normalizeCode(code) ?? code.toUpperCase();
  return clean.length === CODE_LENGTH ? formatTrackingCode(clean) : clean;
}

/** What a person types or reads back (any case, spaces, dashes) → the code, or undefined. */
export function normalizeCode(input: string | null | undefined): string | undefined {
  return input ? normalizeTrackingCode(input) : undefined;
}

/** "K 7 M 2 Q — X 9 P R T": the code spelled out for reading over the phone. */
export function spellCode(code: string): string {
  const g = groupCode(code);
  return g
    .split('-')
    .map((group) => group.split('').join(' '))
    .join(' — ');
}

/** How long until (or since) a deadline, for the staff queue: "2 天 3 小时" / "2 d 3 h". */
export function countdown(dueIso: string, now: Date, lang: Lang): { text: string; overdue: boolean; minutes: number } {
  const minutes = Math.round((new Date(dueIso).getTime() - now.getTime()) / 60_000);
  const overdue = minutes < 0;
  const m = Math.abs(minutes);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  const zh = d > 0 ? `${d} 天 ${h} 小时` : h > 0 ? `${h} 小时 ${min} 分` : `${min} 分钟`;
  const en = d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${min} min` : `${min} min`;
  const span = lang === 'en' ? en : zh;
  const text = lang === 'en' ? (overdue ? `${span} overdue` : `${span} left`) : overdue ? `超期 ${span}` : `剩余 ${span}`;
  return { text, overdue, minutes };
}
