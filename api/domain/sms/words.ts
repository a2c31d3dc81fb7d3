import type { CaseStatus } from '../../contract/enums.ts';
import { statusLabel } from '../../contract/labels.ts';
import type { Bilingual, Lang } from '../../contract/lang.ts';
import { normalizeTrackingCode } from '../../contract/tracking-code.ts';
import type { DissatisfiedNext } from '../cases/dissatisfied.ts';
import { minutesIntoShanghaiDay, shanghaiDate, toShanghaiIso } from '../deadlines/shanghai-time.ts';

/** What an inbound SMS asks for (DESIGN "SMS words"). */
export type SmsCommand =
  | { kind: 'status'; code: string }
  | { kind: 'rating'; digit: 1 | 2 | 3 }
  | { kind: 'stop' }
  | { kind: 'start' }
  | { kind: 'help' }
  | { kind: 'complaint'; text: string };

export function parseSms(body: string): SmsCommand {
  const text = body.normalize('NFKC').trim();
  if (/^(STOP|STOPALL|UNSUBSCRIBE|CANCEL|END|QUIT|退订|TD)$/i.test(text)) return { kind: 'stop' };
  if (/^(START|UNSTOP|YES|订阅)$/i.test(text)) return { kind: 'start' };
  if (/^(HELP|INFO|帮助|\?|？)$/i.test(text)) return { kind: 'help' };
  if (/^[123]$/.test(text)) return { kind: 'rating', digit: Number(text) as 1 | 2 | 3 };
  const asked = /^(?:查询|CX|STATUS)\s*[:：]?\s*([A-Za-z0-9\s-]+)$/i.exec(text);
  if (asked) {
    const code = normalizeTrackingCode(asked[1]!);
    if (code) return { kind: 'status', code };
  }
  const bare = normalizeTrackingCode(text);
  if (bare) return { kind: 'status', code: bare };
  // The complaint is kept as written (NFKC would turn full-width punctuation into ASCII).
  return { kind: 'complaint', text: body.trim() };
}

/**
 * The sender's language: Chinese if the message has any Han character or is one
 * of the pinyin shorthands (TD 退订, CX 查询); otherwise English. A bare tracking
 * code says nothing, so the caller falls back to the case's own language.
 */
export function smsLang(body: string): Lang {
  const text = body.normalize('NFKC').trim();
  if (/[\u3400-\u9fff\uf900-\ufaff]/.test(text)) return 'zh-CN';
  if (/^TD$/i.test(text) || /^CX/i.test(text)) return 'zh-CN';
  return 'en';
}

/** A message that is only a tracking code carries no language of its own. */
export function isBareCode(body: string): boolean {
  return parseSms(body).kind === 'status' && !/^(?:查询|CX|STATUS)/i.test(body.normalize('NFKC').trim());
}

/**
 * The status as the SMS answer and Open311's status notes say it: the status's
 * own name, and for a case still waiting on the office, what it waits for.
 */
const WAITING_FOR: Partial<Record<CaseStatus, Bilingual>> = {
  new: { 'zh-CN': '待分派', en: 'awaiting assignment' },
  assigned: { 'zh-CN': '待签收', en: 'awaiting acknowledgement' },
};

export function statusWord(status: string, lang: Lang): string {
  const name = statusLabel(status, lang);
  const waiting = WAITING_FOR[status as CaseStatus]?.[lang];
  if (!waiting) return name;
  return lang === 'en' ? `${name}, ${waiting}` : `${name}，${waiting}`;
}

export const SMS_TEXT = {
  help: {
    'zh-CN': '站区热线：直接发送问题即可投诉；发“查询+查询码”查进度；答复后回复1/2/3评价；发TD退订。',
    en: 'Station Hotline: text your complaint; STATUS + code for progress; 1/2/3 to rate a reply; STOP to opt out.',
  },
  stop: { 'zh-CN': '已退订，不再向您发送短信。发送START可恢复。', en: 'You are unsubscribed and will get no more messages. Text START to resume.' },
  start: { 'zh-CN': '已恢复短信通知。', en: 'Messages resumed.' },
  notFound: { 'zh-CN': '未找到该查询码，请核对后重试。', en: 'No case has that code; please check it.' },
  noSurvey: { 'zh-CN': '没有待评价的答复。发“帮助”查看用法。', en: 'No reply is waiting for your rating. Text HELP for help.' },
  rated: { 'zh-CN': '感谢您的评价！', en: 'Thank you for your rating!' },
  /** Before the state of a report merged into another: the state and reply that follow are the main case's. */
  followsMain: { 'zh-CN': '已与同一问题的投诉合并办理，', en: 'handled together with an earlier report of the same problem. ' },
} as const;

/**
 * The answer to a dissatisfied SMS rating: what happens next, with its date
 * (DISSATISFIED_ACTION: a review by the office, or a redo with a new deadline).
 */
export function dissatisfiedNextSms(next: DissatisfiedNext, lang: Lang): string {
  const due = next.action === 'flag' ? next.reviewDueAt : next.replyDueAt;
  // A day's deadline is 24:00 of its last day: "before" the next day in Chinese (as the receipt says), "by the end of" it in
  // English; an hours' deadline names its time (Beijing).
  const midnight = minutesIntoShanghaiDay(due) === 0;
  const at = toShanghaiIso(due).slice(0, 16).replace('T', ' ');
  const by = midnight ? (lang === 'en' ? `the end of ${shanghaiDate(new Date(due.getTime() - 60_000))}` : shanghaiDate(due)) : at;
  if (next.action === 'flag') {
    return lang === 'en' ? `Thank you; your rating is recorded. The office will review how your case was handled by ${by}.` : `感谢评价，已记录。办公室将在${by}前复核这件投诉的办理情况。`;
  }
  return lang === 'en'
    ? `Thank you; your rating is recorded. Your case is being handled again; the new reply is due by ${by}.`
    : `感谢评价，已记录。您的投诉已重新办理，将在${by}前重新答复。`;
}
