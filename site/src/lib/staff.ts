import { callApi, type PageContext } from './api.ts';
import {
  APPEAL_STATUS_LABELS,
  type Bilingual,
  CHANNEL_LABELS,
  DAY_KIND_LABELS,
  DURATION_UNIT_LABELS,
  eventWords,
  KIND_LABELS,
  type LabelledEnum,
  label,
  OUTBOX_CHANNEL_LABELS,
  OUTBOX_STATUS_LABELS,
  PRIORITY_LABELS,
  RESOLUTION_LABELS,
  ROLE_LABELS,
  SATISFACTION_LABELS,
  SessionInfo,
  STATUS_LABELS,
  type StaffSession,
  type TransitionVerb,
} from './contract.ts';

/**
 * The staff console's side of the session: the API owns it (HttpOnly cookie
 * `hotline_session`, CSRF token from GET /api/staff/me). Pages read the session
 * on every request, put the CSRF token in each form as `_csrf`, and send it
 * back to the API as X-CSRF-Token. The console is in Chinese, the office's
 * working language: it names codes by the contract's Chinese labels, and keeps
 * its own words only for what the contract does not name (its buttons, contact
 * methods).
 */
export async function loadSession(page: PageContext): Promise<StaffSession | undefined> {
  const me = await callApi(page, '/api/staff/me', SessionInfo);
  return me.ok ? me.data : undefined;
}

/** Where to go after signing in: a console path only, never another site. */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith('/staff') || next.startsWith('//') || next.includes('\\') || !isCleanPath(next)) return '/staff';
  return next;
}

/**
 * Whether a `next=` could be a console address at all: printable, no spaces or
 * control characters (a CR/LF would split the Location header). Anything else
 * is a broken or forged link, answered 400 by the sign-in page.
 */
export function isCleanPath(next: string): boolean {
  return /^[\x21-\x7e]*$/.test(next);
}

export function loginRedirect(url: URL): Response {
  const next = url.pathname + url.search;
  return new Response(null, { status: 303, headers: { Location: `/staff/login?next=${encodeURIComponent(next)}` } });
}

/** A 303 that also passes on the API's Set-Cookie headers (sign-in, sign-out). */
export function redirectWithCookies(location: string, cookies: string[]): Response {
  const headers = new Headers({ Location: location });
  for (const c of cookies) headers.append('Set-Cookie', c);
  return new Response(null, { status: 303, headers });
}

/** The console's names for a code table: the contract's Chinese label of each code, in the contract's order. */
function consoleNames<Code extends string>(labels: Record<Code, Bilingual>): Record<Code, string> {
  return Object.fromEntries(Object.entries<Bilingual>(labels).map(([code, l]) => [code, l['zh-CN']])) as Record<Code, string>;
}

export const ROLE_NAMES = consoleNames(ROLE_LABELS);
export const STATUS_NAMES = consoleNames(STATUS_LABELS);
export const PRIORITY_NAMES = consoleNames(PRIORITY_LABELS);
export const CHANNEL_NAMES = consoleNames(CHANNEL_LABELS);
export const KIND_NAMES = consoleNames(KIND_LABELS);
export const DAY_KIND_NAMES = consoleNames(DAY_KIND_LABELS);
export const OUTBOX_STATUS_NAMES = consoleNames(OUTBOX_STATUS_LABELS);
export const OUTBOX_CHANNEL_NAMES = consoleNames(OUTBOX_CHANNEL_LABELS);
export const DURATION_UNIT_NAMES = consoleNames(DURATION_UNIT_LABELS);
export const SATISFACTION_NAMES = consoleNames(SATISFACTION_LABELS);
export const RESOLUTION_NAMES = consoleNames(RESOLUTION_LABELS);
export const APPEAL_STATUS_NAMES = consoleNames(APPEAL_STATUS_LABELS);

/** The console's name for a code in loosely typed data (a timeline event's data); an unknown code shows as itself. */
export const consoleName = (table: LabelledEnum, code: string): string => label(table, code, 'zh-CN');

export const CONTACT_METHODS: Record<string, string> = { phone: '电话', sms: '短信', in_person: '当面', email: '邮件' };

/** The console's address of a case known by its tracking code (a merge's main case, its duplicate): /staff/cases/code/{code} finds it. */
export const caseByCode = (code: string): string => `/staff/cases/code/${encodeURIComponent(code)}`;

/** The console's name of a timeline event: the contract's staff words (EVENT_WORDS); a type the table does not know keeps its code. */
export const eventName = (type: string): string => eventWords(type, 'staff', 'zh-CN') ?? type;

/** Who did it, as the console says it: the member of staff's name, else the kind of actor (市民, 系统, 12345 平台). */
export const actorName = (actor: { type: string; name: string | null }): string => actor.name ?? consoleName('actorType', actor.type);

/**
 * The workflow forms a case page offers, in the order it shows them, by their
 * button words. Which of them a person sees is the contract's rule (role and
 * status, `mayRun`), so that people see only what they may do; the API still
 * decides, and a form shown by mistake gets its 403 or 409 beside it.
 * Keyed by the contract's verbs: a new transition fails to compile until named.
 */
export type Verb = TransitionVerb;

export const VERB_NAMES: Record<Verb | 'reveal', string> = {
  assign: '派单 / 改派',
  acknowledge: '签收',
  contact: '记录联系市民',
  reply: '答复市民',
  extend: '申请延期',
  'decide-extension': '审批延期',
  close: '办结',
  reopen: '重办',
  return: '退回',
  merge: '合并为重复件',
  priority: '调整等级',
  recategorize: '调整类别',
  relocate: '更正车站 / 地点',
  note: '内部备注',
  appeal: '申请核减（评价申诉）',
  'send-appeal': '报送核减申诉',
  reveal: '查看联系方式',
};

export const VERBS = Object.keys(VERB_NAMES).filter((v): v is Verb => v !== 'reveal');

/** Verbs whose form asks for an explicit confirmation (they reach the citizen or end the case's life). */
export const CONFIRM: Partial<Record<Verb, string>> = {
  reply: '我已核对，答复将发送给市民',
  close: '确认办结本案',
  return: '确认退回本案（12345 转办件将退回平台）',
  merge: '确认合并：本案将关闭，市民将被告知主件进度',
  'send-appeal': '确认将核减申诉报送 12345 平台',
};
