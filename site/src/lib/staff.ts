import { callApi, type PageContext } from './api.ts';
import type { StaffIdentity, StaffSession } from './api-types.ts';

/**
 * The staff console's side of the session: the API owns it (HttpOnly cookie
 * `hotline_session`, CSRF token from GET /api/staff/me). Pages read the session
 * on every request, put the CSRF token in each form as `_csrf`, and send it
 * back to the API as X-CSRF-Token. The console is in Chinese, the office's
 * working language; these are its words for the API's codes.
 */
export async function loadSession(page: PageContext): Promise<StaffSession | undefined> {
  const me = await callApi<StaffSession>(page, '/api/staff/me');
  return me.ok ? me.data : undefined;
}

/** Where to go after signing in: a console path only, never another site. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/staff') || next.startsWith('//') || next.includes('\\') || !isCleanPath(next)) return '/staff';
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

export const ROLE_NAMES: Record<StaffIdentity['role'], string> = {
  dispatcher: '派单员',
  handler: '承办人',
  supervisor: '督办',
  admin: '系统管理员',
};

export const STATUS_NAMES: Record<string, string> = {
  new: '待派单',
  assigned: '待签收',
  in_progress: '办理中',
  replied: '已答复',
  closed: '已办结',
  merged: '已合并',
  returned: '已退回',
};

export const PRIORITY_NAMES: Record<string, string> = { normal: '普通', blue: '蓝色', yellow: '黄色', red: '红色' };

export const CHANNEL_NAMES: Record<string, string> = {
  web: '网站',
  sms: '短信',
  '12345': '12345 转办',
  phone: '热线电话',
  walk_in: '来访',
  box: '意见箱',
  petition: '信访',
  open311: 'Open311',
};

export const KIND_NAMES: Record<string, string> = { consult: '咨询', help: '求助', complaint: '投诉', report: '举报', suggestion: '建议' };

export const CONTACT_METHODS: Record<string, string> = { phone: '电话', sms: '短信', in_person: '当面', email: '邮件' };

export const EVENT_NAMES: Record<string, string> = {
  created: '受理',
  assigned: '派单',
  reassigned: '改派',
  acknowledged: '签收',
  contacted: '联系市民',
  note: '内部备注',
  replied: '答复',
  closed: '办结',
  reopened: '重办',
  returned: '退回',
  merged: '合并至主件',
  duplicate_merged: '并入重复件',
  extension_requested: '申请延期',
  extension_approved: '批准延期',
  extension_refused: '驳回延期',
  priority_changed: '调整等级',
  recategorized: '调整类别',
  contact_revealed: '查看联系方式',
  evaluated: '市民评价',
  escalated: '督办',
  deadline_warning: '临期提醒',
};

export const SATISFACTION_NAMES: Record<string, string> = { satisfied: '满意', basic: '基本满意', dissatisfied: '不满意', very_satisfied: '非常满意' };

const OFFICE = ['dispatcher', 'supervisor'] as const;
type Role = StaffIdentity['role'];

/**
 * Which workflow forms a case page offers, mirroring the API's rules so that
 * people see only what they may do. The API decides: a form shown by mistake
 * gets its 403 or 409 shown beside it.
 */
export const VERB_RULES = {
  assign: { roles: OFFICE, from: ['new', 'assigned', 'in_progress'] },
  acknowledge: { roles: ['handler'], from: ['assigned'] },
  contact: { roles: ['handler'], from: ['in_progress'] },
  reply: { roles: ['handler'], from: ['in_progress'] },
  extend: { roles: ['handler'], from: ['assigned', 'in_progress'] },
  'decide-extension': { roles: OFFICE, from: ['assigned', 'in_progress'] },
  close: { roles: OFFICE, from: ['replied'] },
  reopen: { roles: OFFICE, from: ['replied', 'closed'] },
  return: { roles: OFFICE, from: ['new', 'assigned'] },
  merge: { roles: OFFICE, from: ['new', 'assigned', 'in_progress'] },
  priority: { roles: OFFICE, from: ['new', 'assigned', 'in_progress'] },
  recategorize: { roles: OFFICE, from: ['new', 'assigned', 'in_progress'] },
  note: { roles: [...OFFICE, 'handler'], from: ['new', 'assigned', 'in_progress', 'replied', 'closed', 'merged', 'returned'] },
} as const satisfies Record<string, { roles: readonly Role[]; from: readonly string[] }>;

export type Verb = keyof typeof VERB_RULES;
export const VERBS = Object.keys(VERB_RULES) as Verb[];

export function mayOffer(verb: Verb, role: Role, status: string): boolean {
  const rule = VERB_RULES[verb];
  return (rule.roles as readonly Role[]).includes(role) && (rule.from as readonly string[]).includes(status);
}

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
  note: '内部备注',
  reveal: '查看联系方式',
};

/** Verbs whose form asks for an explicit confirmation (they reach the citizen or end the case's life). */
export const CONFIRM: Partial<Record<Verb, string>> = {
  reply: '我已核对，答复将发送给市民',
  close: '确认办结本案',
  return: '确认退回本案（12345 转办件将退回平台）',
  merge: '确认合并：本案将关闭，市民将被告知主件进度',
};
