import { formatTrackingCode } from '../cases/tracking-code.ts';
import { shanghaiDate, toShanghaiIso } from '../deadlines/shanghai-time.ts';
import { BULLETIN_WORDS_EN, BULLETIN_WORDS_ZH } from '../stats/bulletin-words.ts';

/**
 * The words of every message the office sends, in zh-CN and en: SMS as one
 * short text (a Chinese SMS segment holds 70 characters; the fixed parts stay
 * within one), email as subject, text and HTML.
 */
export type Lang = 'zh-CN' | 'en';
export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

type Payload = Record<string, unknown>;
const str = (p: Payload, k: string) => (typeof p[k] === 'string' ? (p[k] as string) : '');
const code = (p: Payload) => str(p, 'trackingCode');
function day(iso: string, lang: Lang): string {
  if (!iso) return '';
  const [, m, d] = shanghaiDate(new Date(iso)).split('-');
  return lang === 'en' ? `${shanghaiDate(new Date(iso))}` : `${Number(m)}月${Number(d)}日`;
}
/** An instant as the office reads it: 2026-03-06 00:00 (Beijing time). */
function when(iso: string): string {
  if (!iso) return '';
  return toShanghaiIso(new Date(iso)).slice(0, 16).replace('T', ' ');
}
const CLOCK_NAMES: Record<string, { zh: string; en: string }> = {
  ack: { zh: '签收', en: 'acknowledge' },
  contact: { zh: '首次联系', en: 'first contact' },
  reply: { zh: '答复', en: 'reply' },
};

interface Words {
  sms?: (p: Payload, links: Links) => string;
  subject: (p: Payload) => string;
  body: (p: Payload, links: Links) => string[];
}
interface Links {
  /** The site's address: staff links are built on it. */
  base: string;
  status: string;
  rate: string;
}

/**
 * The deadline sweep's digest (messages/alert-digest.ts): one mail per
 * recipient listing red cases, passed deadlines and near deadlines, each with
 * a link to the staff case page. A long list stops at DIGEST_LISTED per section
 * and points to the console for the rest.
 */
const DIGEST_LISTED = 200;
type DigestLine = { kind: string; caseId: string; trackingCode: string; clock: string; dueAt: string; station: string; department: string; owner: string };
function digestLines(p: Payload): DigestLine[] {
  const items = Array.isArray(p.items) ? (p.items as Array<Record<string, unknown>>) : [];
  return items.map((i) => ({
    kind: str(i, 'kind'),
    caseId: str(i, 'caseId'),
    trackingCode: str(i, 'trackingCode'),
    clock: str(i, 'clock'),
    dueAt: str(i, 'dueAt'),
    station: str(i, 'station'),
    department: str(i, 'department'),
    owner: str(i, 'owner'),
  }));
}
const digestCount = (p: Payload, kind: string) => digestLines(p).filter((i) => i.kind === kind).length;
function digestSections(p: Payload, l: Links, w: { heading: (kind: string, n: number) => string; line: (i: DigestLine) => string; more: (n: number) => string }): string[] {
  const lines: string[] = [];
  for (const kind of ['red', 'escalation', 'warning']) {
    const items = digestLines(p).filter((i) => i.kind === kind);
    if (!items.length) continue;
    lines.push(w.heading(kind, items.length));
    for (const i of items.slice(0, DIGEST_LISTED)) lines.push(`${w.line(i)} ${l.base}/staff/cases/${encodeURIComponent(i.caseId)}`);
    if (items.length > DIGEST_LISTED) lines.push(`${w.more(items.length - DIGEST_LISTED)} ${l.base}/staff${kind === 'warning' ? '?dueSoon=true' : '?overdue=true'}`);
  }
  return lines;
}

const ZH: Record<string, Words> = {
  receipt: {
    sms: (p) => `【站区热线】已受理，查询码${formatTrackingCode(code(p))}，${day(str(p, 'replyDueAt'), 'zh-CN')}前答复。发“查询${code(p)}”查进度`,
    subject: (p) => `已受理您的诉求（查询码 ${formatTrackingCode(code(p))}）`,
    body: (p, l) => [
      `您的诉求已受理，查询码：${formatTrackingCode(code(p))}。`,
      `我们将在 ${day(str(p, 'replyDueAt'), 'zh-CN')} 前答复您。`,
      `发送短信“查询 ${code(p)}”，或打开以下链接查询进度：`,
      l.status,
    ],
  },
  reply: {
    sms: (p) => `【站区热线】${code(p)}答复：${str(p, 'text')}`,
    subject: (p) => `您的诉求已答复（${formatTrackingCode(code(p))}）`,
    body: (p, l) => [`您反映的问题（查询码 ${formatTrackingCode(code(p))}）已答复：`, str(p, 'text'), '查看详情：', l.status],
  },
  survey: {
    sms: (p) => `【站区热线】请评价${code(p)}的办理：回复1满意，2基本满意，3不满意`,
    subject: (p) => `请评价我们的办理（${formatTrackingCode(code(p))}）`,
    body: (p, l) => [`您反映的问题（查询码 ${formatTrackingCode(code(p))}）已答复，请花一分钟评价：`, l.rate],
  },
  survey_reminder: {
    sms: (p) => `【站区热线】提醒：请评价${code(p)}，回复1满意，2基本满意，3不满意`,
    subject: (p) => `提醒：请评价我们的办理（${formatTrackingCode(code(p))}）`,
    body: (p, l) => [`您还没有评价查询码 ${formatTrackingCode(code(p))} 的办理结果。`, l.rate],
  },
  // A merged reporter follows the main case with their own code and digits, and gets its reply (cases/merged-reporters.ts).
  merged: {
    sms: (p) => `【站区热线】您反映的问题已与同一问题的投诉合并办理，答复会发给您。仍用查询码${code(p)}查进度`,
    subject: (p) => `您的诉求已合并办理（${formatTrackingCode(code(p))}）`,
    body: (p, l) => [`您反映的问题（查询码 ${formatTrackingCode(code(p))}）与之前受理的同一问题投诉合并办理，答复会发给您。`, '仍可用您的查询码和手机号后四位查询办理进度：', l.status],
  },
  assignment: {
    subject: (p) => `【派单】${formatTrackingCode(code(p))} ${str(p, 'category')}（${str(p, 'station')}）`,
    body: (p) => [
      `新案件已派给${str(p, 'departmentName')}承办：${formatTrackingCode(code(p))}，${str(p, 'station')}，${str(p, 'category')}。`,
      `请于 ${when(str(p, 'ackDueAt'))} 前签收，${when(str(p, 'replyDueAt'))} 前答复。详情见工作台。`,
    ],
  },
  // One mail per alert, as the sweep wrote them before its digest (alert_digest): kept so that rows already queued still render.
  deadline_warning: {
    subject: (p) => `【预警】${formatTrackingCode(code(p))} ${CLOCK_NAMES[str(p, 'clock')]?.zh ?? ''}时限将到`,
    body: (p) => [`案件 ${formatTrackingCode(code(p))} 的${CLOCK_NAMES[str(p, 'clock')]?.zh ?? ''}时限将于 ${when(str(p, 'dueAt'))} 到期，请及时办理。`],
  },
  escalation: {
    subject: (p) => `【督办】${formatTrackingCode(code(p))} ${CLOCK_NAMES[str(p, 'clock')]?.zh ?? ''}已超时`,
    body: (p) => [
      `案件 ${formatTrackingCode(code(p))}（${str(p, 'station')}）的${CLOCK_NAMES[str(p, 'clock')]?.zh ?? ''}时限已于 ${when(str(p, 'dueAt'))} 超时。`,
      `承办部门：${str(p, 'department') || '未分派'}。`,
    ],
  },
  red_case: {
    subject: (p) => `【红色】${formatTrackingCode(code(p))} 领导包案：${str(p, 'owner') || '待定'}`,
    body: (p) => [`红色等级案件 ${formatTrackingCode(code(p))}（${str(p, 'station')}），包案领导：${str(p, 'owner') || '待定'}。`],
  },
  // 12345 催办/督办 pushed by the platform (feed12345/event-effects.ts): one mail per urging to each supervisor.
  urged: {
    subject: (p) => `【12345 催办】${formatTrackingCode(code(p))}（工单 ${str(p, 'orderNo')}）`,
    body: (p) => [
      `12345 平台于 ${when(str(p, 'urgedAt'))} 催办案件 ${formatTrackingCode(code(p))}（工单 ${str(p, 'orderNo')}，${str(p, 'station')}）。`,
      ...(str(p, 'text') ? [`催办意见：${str(p, 'text')}`] : []),
      `承办部门：${str(p, 'department') || '未分派'}；答复期限：${when(str(p, 'replyDueAt'))}。详情见工作台。`,
    ],
  },
  // A citizen's update posted through an Open311 app (open311/post-update.ts), to the lead department's mailbox.
  citizen_update: {
    subject: (p) => `【市民补充】${formatTrackingCode(code(p))}（${str(p, 'station')}）`,
    body: (p) => [
      // The citizen's words stay in the console (they may hold personal data); the mail only says there is something to read.
      `反映人通过 ${str(p, 'client')} 为案件 ${formatTrackingCode(code(p))}（${str(p, 'station')}）补充了信息${p.hasMedia === true ? '（附图片网址）' : ''}。`,
      '内容见工作台的案件记录。',
    ],
  },
  alert_digest: {
    subject: (p) => {
      const [red, late, near] = [digestCount(p, 'red'), digestCount(p, 'escalation'), digestCount(p, 'warning')];
      const counts = [red && `红色案件 ${red} 件`, late && `超时 ${late} 项`, near && `临期 ${near} 项`].filter(Boolean);
      return `${red || late ? '【督办】' : '【预警】'}${counts.join('，')}`;
    },
    body: (p, l) => [
      `本次巡查的时限提醒如下（北京时间），点击链接办理：`,
      ...digestSections(p, l, {
        heading: (kind, n) => ({ red: `红色等级案件（领导包案）${n} 件：`, escalation: `时限已过 ${n} 项：`, warning: `时限将到 ${n} 项：` })[kind] ?? '',
        line: (i) => {
          const what = `${formatTrackingCode(i.trackingCode)}（${i.station || '—'}）`;
          const clock = CLOCK_NAMES[i.clock]?.zh ?? '';
          if (i.kind === 'red') return `· ${what}包案领导：${i.owner || '待定'}`;
          if (i.kind === 'escalation') return `· ${what}${clock}时限 ${when(i.dueAt)} 已过，承办：${i.department || '未分派'}`;
          return `· ${what}${clock}时限 ${when(i.dueAt)} 到期`;
        },
        more: (n) => `另有 ${n} 项未列出，见工作台：`,
      }),
    ],
  },
  // The bulletins and the monthly report (api/domain/stats).
  ...BULLETIN_WORDS_ZH,
};

const EN: Record<string, Words> = {
  receipt: {
    sms: (p) => `Station Hotline: Received. Code ${formatTrackingCode(code(p))}, reply by ${day(str(p, 'replyDueAt'), 'en')}. Text STATUS ${code(p)} for progress`,
    subject: (p) => `We received your case (${formatTrackingCode(code(p))})`,
    body: (p, l) => [
      `Your case has been received. Tracking code: ${formatTrackingCode(code(p))}.`,
      `We will reply by ${day(str(p, 'replyDueAt'), 'en')}.`,
      `Text "STATUS ${code(p)}" or open this link to check progress:`,
      l.status,
    ],
  },
  reply: {
    sms: (p) => `Station Hotline ${code(p)} reply: ${str(p, 'text')}`,
    subject: (p) => `Reply to your case (${formatTrackingCode(code(p))})`,
    body: (p, l) => [`The office has replied to your case ${formatTrackingCode(code(p))}:`, str(p, 'text'), 'Details:', l.status],
  },
  survey: {
    sms: (p) => `Station Hotline: how did we do on ${code(p)}? Reply 1 satisfied, 2 basically satisfied, 3 dissatisfied`,
    subject: (p) => `How did we do? (${formatTrackingCode(code(p))})`,
    body: (p, l) => [`Your case ${formatTrackingCode(code(p))} has been answered. Please rate it:`, l.rate],
  },
  survey_reminder: {
    sms: (p) => `Station Hotline reminder: rate ${code(p)}. Reply 1 satisfied, 2 basically satisfied, 3 dissatisfied`,
    subject: (p) => `Reminder: how did we do? (${formatTrackingCode(code(p))})`,
    body: (p, l) => [`You have not rated case ${formatTrackingCode(code(p))} yet.`, l.rate],
  },
  merged: {
    sms: (p) => `Station Hotline: your report ${code(p)} is handled together with an earlier one about the same problem; you get its reply. Check it with your code`,
    subject: (p) => `Your case is handled together with an earlier one (${formatTrackingCode(code(p))})`,
    body: (p, l) => [
      `Your report (tracking code ${formatTrackingCode(code(p))}) is about the same problem as an earlier one and is handled together with it; you get its reply.`,
      'Check its progress with your own tracking code and the last four digits of your phone:',
      l.status,
    ],
  },
  assignment: {
    subject: (p) => `[Assigned] ${formatTrackingCode(code(p))} ${str(p, 'category')} (${str(p, 'station')})`,
    body: (p) => [
      `A new case is assigned to ${str(p, 'departmentName')}: ${formatTrackingCode(code(p))}, ${str(p, 'station')}, ${str(p, 'category')}.`,
      `Acknowledge by ${when(str(p, 'ackDueAt'))} and reply by ${when(str(p, 'replyDueAt'))} (Beijing time). Details in the staff console.`,
    ],
  },
  deadline_warning: {
    subject: (p) => `[Warning] ${formatTrackingCode(code(p))} ${CLOCK_NAMES[str(p, 'clock')]?.en ?? ''} deadline near`,
    body: (p) => [`Case ${formatTrackingCode(code(p))}: the ${CLOCK_NAMES[str(p, 'clock')]?.en ?? ''} deadline is ${when(str(p, 'dueAt'))}.`],
  },
  escalation: {
    subject: (p) => `[Overdue] ${formatTrackingCode(code(p))} ${CLOCK_NAMES[str(p, 'clock')]?.en ?? ''}`,
    body: (p) => [`Case ${formatTrackingCode(code(p))} (${str(p, 'station')}) missed its ${CLOCK_NAMES[str(p, 'clock')]?.en ?? ''} deadline of ${when(str(p, 'dueAt'))}.`],
  },
  red_case: {
    subject: (p) => `[Red] ${formatTrackingCode(code(p))} owned by ${str(p, 'owner') || 'to be named'}`,
    body: (p) => [`Red case ${formatTrackingCode(code(p))} (${str(p, 'station')}), owning leader: ${str(p, 'owner') || 'to be named'}.`],
  },
  urged: {
    subject: (p) => `[12345 urging] ${formatTrackingCode(code(p))} (order ${str(p, 'orderNo')})`,
    body: (p) => [
      `The 12345 platform pressed on case ${formatTrackingCode(code(p))} (order ${str(p, 'orderNo')}, ${str(p, 'station')}) at ${when(str(p, 'urgedAt'))} (Beijing time).`,
      ...(str(p, 'text') ? [`Its words: ${str(p, 'text')}`] : []),
      `Department: ${str(p, 'department') || 'not assigned'}; reply due ${when(str(p, 'replyDueAt'))}. Details in the staff console.`,
    ],
  },
  citizen_update: {
    subject: (p) => `[Citizen update] ${formatTrackingCode(code(p))} (${str(p, 'station')})`,
    body: (p) => [
      `The reporter of case ${formatTrackingCode(code(p))} (${str(p, 'station')}) added information through ${str(p, 'client')}${p.hasMedia === true ? ' (with a picture link)' : ''}.`,
      'Read it on the case timeline in the staff console.',
    ],
  },
  alert_digest: {
    subject: (p) => {
      const [red, late, near] = [digestCount(p, 'red'), digestCount(p, 'escalation'), digestCount(p, 'warning')];
      const counts = [red && `${red} red case(s)`, late && `${late} deadline(s) passed`, near && `${near} deadline(s) near`].filter(Boolean);
      return `${red || late ? '[Overdue]' : '[Warning]'} ${counts.join(', ')}`;
    },
    body: (p, l) => [
      'The deadline sweep raised these (Beijing time); follow a link to act:',
      ...digestSections(p, l, {
        heading: (kind, n) => ({ red: `Red cases (owned by a leader), ${n}:`, escalation: `Deadlines passed, ${n}:`, warning: `Deadlines near, ${n}:` })[kind] ?? '',
        line: (i) => {
          const what = `${formatTrackingCode(i.trackingCode)} (${i.station || '—'})`;
          const clock = CLOCK_NAMES[i.clock]?.en ?? '';
          if (i.kind === 'red') return `- ${what}, owner: ${i.owner || 'to be named'}`;
          if (i.kind === 'escalation') return `- ${what}: ${clock} deadline ${when(i.dueAt)} passed; department: ${i.department || 'not assigned'}`;
          return `- ${what}: ${clock} deadline ${when(i.dueAt)}`;
        },
        more: (n) => `${n} more not listed; see the staff console:`,
      }),
    ],
  },
  ...BULLETIN_WORDS_EN,
};

export const TEMPLATES = Object.keys(ZH);

function links(baseUrl: string, lang: Lang, p: Payload): Links {
  const prefix = lang === 'en' ? '/en' : '';
  const c = encodeURIComponent(code(p));
  return { base: baseUrl, status: `${baseUrl}${prefix}/status?code=${c}`, rate: `${baseUrl}${prefix}/rate?code=${c}` };
}

function words(template: string, lang: Lang): Words {
  const w = (lang === 'en' ? EN : ZH)[template];
  if (!w) throw new Error(`unknown message template: ${template}`);
  return w;
}

export function renderSms(template: string, lang: Lang, payload: Payload, baseUrl: string): string {
  const w = words(template, lang);
  const l = links(baseUrl, lang, payload);
  return w.sms ? w.sms(payload, l) : [w.subject(payload), ...w.body(payload, l)].join(' ');
}

export function renderEmail(template: string, lang: Lang, payload: Payload, baseUrl: string): Rendered {
  const w = words(template, lang);
  const l = links(baseUrl, lang, payload);
  const lines = w.body(payload, l);
  const footer = lang === 'en' ? 'Station district management office — Station Hotline' : '站区综合管理办公室 · 站区热线';
  const html = `<!doctype html><html lang="${lang}"><body style="font-family:sans-serif;line-height:1.6">${lines
    .map((line) => `<p>${linkify(line)}</p>`)
    .join('')}<hr><p style="color:#555">${escapeHtml(footer)}</p></body></html>`;
  return { subject: w.subject(payload), text: [...lines, '', footer].join('\n'), html };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/**
 * Mail clients and SMS apps make a link of everything from "http" to the next
 * space, full-width punctuation and Chinese included. So every link in these
 * words stands at the end of a line or before a space, and the HTML anchor
 * covers exactly what the plain text's reader would tap: the same token.
 */
const URL_TOKEN = /(https?:\/\/\S+)/;
function linkify(line: string): string {
  return line
    .split(URL_TOKEN)
    .map((part, i) => (i % 2 === 1 ? `<a href="${escapeHtml(part)}">${escapeHtml(part)}</a>` : escapeHtml(part)))
    .join('');
}
