import { callApi, type PageContext } from './api.ts';
import { AdminDepartmentList, type CaseDetail, DepartmentList, type StaffSession } from './contract.ts';
import { CONFIRM, type Verb } from './staff.ts';

/**
 * Turns a posted workflow form into the JSON body of
 * POST /api/staff/cases/{id}/{verb}. Blank optional fields are left out; the
 * API validates the rest and its field errors are shown beside the fields.
 */
export function verbBody(verb: Verb, form: FormData, version: number): { body?: Record<string, unknown>; errors?: Record<string, string> } {
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === 'string' ? v.trim() : '';
  };
  const optional = (name: string) => (text(name) ? { [name]: text(name) } : {});
  if (CONFIRM[verb] && text('confirm') !== 'yes') return { errors: { confirm: '请先勾选确认' } };
  switch (verb) {
    case 'assign':
      return {
        body: {
          version,
          leadDepartment: text('leadDepartment'),
          coDepartments: form.getAll('coDepartments').filter((v): v is string => typeof v === 'string' && v !== '' && v !== text('leadDepartment')),
          ...optional('note'),
        },
      };
    case 'acknowledge':
      return { body: { version } };
    case 'contact':
      return { body: { version, method: text('method') || undefined, ...optional('note') } };
    case 'note':
      return { body: { version, text: text('text') } };
    case 'reply':
      return { body: { version, text: text('text') } };
    case 'extend': {
      const local = text('newDueAt');
      // <input type="datetime-local"> has no zone: the office works in Beijing time.
      const newDueAt = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local) ? `${local}:00+08:00` : local || undefined;
      return { body: { version, reason: text('reason'), newDueAt } };
    }
    case 'decide-extension':
      if (text('approve') !== 'yes' && text('approve') !== 'no') return { errors: { approve: '请选择批准或驳回' } };
      return { body: { version, approve: text('approve') === 'yes', ...optional('note') } };
    case 'close':
      return { body: { version, ...optional('note') } };
    case 'reopen':
      return { body: { version, reason: text('reason') } };
    case 'return':
      return { body: { version, reason: text('reason') } };
    case 'merge':
      return { body: { version, into: text('into').toUpperCase().replace(/[\s-]/g, '') } };
    case 'priority':
      return { body: { version, priority: text('priority'), ...optional('owner') } };
    case 'recategorize':
      return { body: { version, category: text('category'), ...optional('kind') } };
    case 'appeal':
      return { body: { version, reasons: text('reasons'), ...(text('evaluationId') ? { evaluationId: Number(text('evaluationId')) } : {}) } };
    case 'send-appeal':
      return { body: { version, ...(text('appealId') ? { appealId: Number(text('appealId')) } : {}) } };
    case 'relocate':
      return { body: { version, station: text('station'), ...optional('location') } };
  }
}

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
