import type { z } from 'zod';
import { type ApiError, callApi, type PageContext } from './api.ts';
import { AdminDepartmentList, type CaseDetail, type CaseStatus, DepartmentList, type StaffSession, VerbBodies } from './contract.ts';
import { CONFIRM, STATUS_NAMES, VERB_NAMES, type Verb } from './staff.ts';

/**
 * Turns a posted workflow form into the JSON body of
 * POST /api/staff/cases/{id}/{verb}, and checks it in one pass against the
 * contract's schema for that verb: every problem at once (the confirmation
 * box too), each worded for people, never by the API's field name. Blank
 * optional fields are left out. The API stays the judge; what it still
 * refuses is worded the same way by `verbApiErrors`.
 */
export function verbBody(verb: Verb, form: FormData, version: number): { body?: Record<string, unknown>; errors?: Record<string, string> } {
  const body = rawVerbBody(verb, form, version);
  const errors: Record<string, string> = {};
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === 'string' ? v.trim() : '';
  };
  if (verb === 'decide-extension' && text('approve') !== 'yes' && text('approve') !== 'no') errors.approve = '请选择批准或驳回';
  const parsed = VerbBodies[verb].safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      if (field === 'approve' && errors.approve) continue;
      errors[field] ??= issueWords(verb, field, issue, body[field]);
    }
  }
  if (CONFIRM[verb] && text('confirm') !== 'yes') errors.confirm = '请先勾选确认';
  return Object.keys(errors).length ? { errors } : { body };
}

function rawVerbBody(verb: Verb, form: FormData, version: number): Record<string, unknown> {
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === 'string' ? v.trim() : '';
  };
  const given = (name: string) => (text(name) ? text(name) : undefined);
  const optional = (name: string) => (text(name) ? { [name]: text(name) } : {});
  switch (verb) {
    case 'assign':
      return {
        version,
        leadDepartment: given('leadDepartment'),
        coDepartments: form.getAll('coDepartments').filter((v): v is string => typeof v === 'string' && v !== '' && v !== text('leadDepartment')),
        ...optional('note'),
      };
    case 'acknowledge':
      return { version };
    case 'contact':
      return { version, method: given('method'), ...optional('note') };
    case 'note':
    case 'reply':
      return { version, text: given('text') };
    case 'extend': {
      const local = text('newDueAt');
      // <input type="datetime-local"> has no zone: the office works in Beijing time.
      const newDueAt = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local) ? `${local}:00+08:00` : local || undefined;
      return { version, reason: given('reason'), newDueAt };
    }
    case 'decide-extension':
      return { version, approve: text('approve') === 'yes', ...optional('note') };
    case 'close':
      return { version, ...optional('note') };
    case 'reopen':
    case 'return':
      return { version, reason: given('reason') };
    case 'merge':
      return { version, into: given('into')?.toUpperCase().replace(/[\s-]/g, '') };
    case 'priority':
      return { version, priority: given('priority'), ...optional('owner') };
    case 'recategorize':
      return { version, category: given('category'), ...optional('kind') };
    case 'appeal':
      return { version, reasons: given('reasons'), ...(text('evaluationId') ? { evaluationId: Number(text('evaluationId')) } : {}) };
    case 'send-appeal':
      return { version, ...(text('appealId') ? { appealId: Number(text('appealId')) } : {}) };
    case 'relocate':
      return { version, station: given('station'), ...optional('location') };
  }
}

/** What each field of a workflow form is called, by verb where one name means different things. */
const FIELD_NOUNS: Record<string, string> = {
  leadDepartment: '承办科室',
  coDepartments: '协办科室',
  method: '联系方式',
  newDueAt: '新的答复期限',
  approve: '审批结果',
  into: '主件查询码',
  priority: '等级',
  owner: '包案领导',
  category: '问题类别',
  kind: '诉求类型',
  station: '车站',
  location: '地点',
  reasons: '申诉理由',
  evaluationId: '要申诉的评价',
  appealId: '要报送的申诉',
  note: '说明',
  confirm: '确认',
};
const VERB_NOUNS: Partial<Record<Verb, Record<string, string>>> = {
  note: { text: '备注内容' },
  reply: { text: '答复内容' },
  extend: { reason: '延期理由' },
  reopen: { reason: '重办原因' },
  return: { reason: '退回原因' },
  'decide-extension': { note: '审批意见' },
  assign: { note: '派单说明' },
  close: { note: '办结说明' },
  contact: { note: '联系情况' },
};
/** Fields chosen from a list ("请选择…") rather than typed ("请填写…"). */
const CHOSEN = new Set(['leadDepartment', 'coDepartments', 'method', 'newDueAt', 'approve', 'priority', 'category', 'kind', 'station', 'location', 'evaluationId', 'appealId']);

export function fieldNoun(verb: Verb, field: string): string {
  return VERB_NOUNS[verb]?.[field] ?? FIELD_NOUNS[field] ?? '填写的内容';
}

function issueWords(verb: Verb, field: string, issue: z.core.$ZodIssue, value: unknown): string {
  if (field === 'version') return '页面已过期，请刷新后重试';
  const noun = fieldNoun(verb, field);
  if (value === undefined || (issue.code === 'too_small' && typeof value === 'string' && value.trim() === '')) return `${CHOSEN.has(field) ? '请选择' : '请填写'}${noun}`;
  switch (issue.code) {
    case 'too_big':
      return `${noun}不能超过 ${Number(issue.maximum)} 字（现有 ${typeof value === 'string' ? [...value].length : 0} 字）`;
    case 'invalid_value':
      return `请从列表中选择${noun}`;
    case 'custom':
      return `${noun}含有无法保存的字符，请删除后重试`;
    default:
      return field === 'newDueAt' ? '请选择有效的日期和时间作为新的答复期限' : `${noun}的格式不正确`;
  }
}

/**
 * The API's refusal of a workflow form, in words for people: its field errors
 * each under the field's own name ("答复内容：不能超过 4000 个字"), and a
 * message that never names an API field ("请检查：text").
 */
export function verbApiErrors(verb: Verb, error: ApiError): { message: string; fields: Record<string, string> } {
  const worded = wordedApiError(error, (name) => fieldNoun(verb, name), '操作失败，请稍后再试');
  if (worded.fields.version) worded.fields.version = '页面已过期，请刷新后重试';
  // "不能执行此操作（reply）", "当前状态（closed）": the API names the verb and the status by their codes.
  worded.message = worded.message.replace(
    /（([a-z_-]+)）/g,
    (whole, code: string) => `（${code === verb ? VERB_NAMES[verb] : code in STATUS_NAMES ? STATUS_NAMES[code as CaseStatus] : whole.slice(1, -1)}）`,
  );
  return worded;
}

/**
 * Any console form's refusal by the API, in words: each field error under the
 * field's name as the form calls it (`noun`), and, when there are field errors,
 * a summary that never repeats the API's own message (which lists its field
 * names: "提交的内容有误，请检查：email, name").
 */
export function wordedApiError(error: ApiError, noun: (field: string) => string, fallback: string): { message: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  for (const [name, message] of Object.entries(error.fields)) {
    const n = noun(name);
    fields[name] = message.includes(n) ? message : `${n}：${message}`;
  }
  if (Object.keys(fields).length) return { message: '请检查下面标出的内容', fields };
  return { message: error.message || fallback, fields };
}

/** What the admin forms call their fields (staff, departments, categories, places, the calendar). */
const ADMIN_NOUNS: Record<string, string> = {
  email: '邮箱',
  name: '名称',
  role: '角色',
  department: '科室',
  password: '密码',
  code: '代码',
  nameZh: '中文名称',
  nameEn: '英文名称',
  isPartner: '合作单位',
  defaultDepartment: '默认承办科室',
  defaultPriority: '默认等级',
  station: '车站',
  active: '状态',
  day: '日期',
  kind: '日期类型',
  year: '年份',
  holidays: '放假日期',
  workdays: '调休上班日期',
};
export const adminFieldNoun = (field: string): string => ADMIN_NOUNS[field] ?? '填写的内容';

/** A department as the assignment form offers it. */
type Department = { code: string; name: string };

export interface DepartmentChoices {
  items: Department[];
  /** False when the list could not be read and only the departments this case names are offered. */
  complete: boolean;
}

/**
 * The departments to assign to. Read from GET /api/staff/departments when the
 * API offers it; an admin can read the admin list; otherwise the case's own
 * suggested, lead and co-handling departments are offered, plus a free code.
 */
export async function loadDepartments(page: PageContext, session: StaffSession, detail: CaseDetail | undefined): Promise<DepartmentChoices> {
  const open = await callApi(page, '/api/staff/departments', DepartmentList);
  let rows = open.ok ? open.data.items : undefined;
  if (!rows && session.staff.role === 'admin') {
    const admin = await callApi(page, '/api/staff/admin/departments', AdminDepartmentList);
    if (admin.ok) rows = admin.data.items.map((d) => ({ ...d, name: d.nameZh }));
  }
  if (rows) {
    return { items: rows.filter((d) => d.active).map((d) => ({ code: d.code, name: d.name })), complete: true };
  }
  const known = new Map<string, Department>();
  for (const d of [detail?.suggestedDepartment, detail?.leadDepartment, ...(detail?.coDepartments ?? [])]) if (d) known.set(d.code, d);
  return { items: [...known.values()], complete: false };
}
