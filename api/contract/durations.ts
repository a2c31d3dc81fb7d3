import type { DurationUnit } from './enums.ts';
import type { Lang } from './lang.ts';

/*
 * A policy's clock as people say it: "15 分钟", "2 小时 30 分钟", "2 个工作日",
 * "当日" / "15 minutes", "1 working day", "same day". Hours below one are told
 * in minutes; English counts in the singular for one.
 */
const EN: Record<Exclude<DurationUnit, 'same_day'>, [string, string]> = {
  hours: ['hour', 'hours'],
  working_days: ['working day', 'working days'],
  calendar_days: ['calendar day', 'calendar days'],
};
const ZH: Record<Exclude<DurationUnit, 'same_day'>, string> = { hours: '小时', working_days: '个工作日', calendar_days: '个自然日' };

const number = (n: number) => String(Math.round(n * 100) / 100);
const en = (n: number, [one, many]: [string, string]) => `${number(n)} ${n === 1 ? one : many}`;

export function formatDuration(amount: number, unit: DurationUnit, lang: Lang): string {
  if (unit === 'same_day') return lang === 'zh-CN' ? '当日' : 'same day';
  if (unit === 'hours' && !Number.isInteger(amount)) {
    const total = Math.round(amount * 60);
    const hours = Math.floor(total / 60);
    const minutes = total % 60;
    const parts = lang === 'zh-CN' ? [hours ? `${hours} 小时` : '', minutes ? `${minutes} 分钟` : ''] : [hours ? en(hours, EN.hours) : '', minutes ? en(minutes, ['minute', 'minutes']) : ''];
    return parts.filter(Boolean).join(' ') || (lang === 'zh-CN' ? '0 分钟' : '0 minutes');
  }
  return lang === 'zh-CN' ? `${number(amount)} ${ZH[unit]}` : en(amount, EN[unit]);
}
