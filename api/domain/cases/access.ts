import type { Role, Staff } from '../staff/session.ts';
import { DomainError } from '../../errors.ts';

/**
 * Who may do what to a case. Handlers act only on cases of their own
 * department (lead or co-handling); some verbs belong to the lead alone.
 */
export const CASE_VERBS = [
  'read',
  'reveal',
  'create',
  'assign',
  'acknowledge',
  'contact',
  'note',
  'reply',
  'extend',
  'decide-extension',
  'close',
  'reopen',
  'return',
  'merge',
  'priority',
  'recategorize',
] as const;
export type CaseVerb = (typeof CASE_VERBS)[number];

const OFFICE: Role[] = ['dispatcher', 'supervisor'];

export const PERMISSIONS: Record<CaseVerb, { roles: Role[]; handlerScope?: 'lead' | 'any' }> = {
  read: { roles: ['dispatcher', 'supervisor', 'admin', 'handler'], handlerScope: 'any' },
  reveal: { roles: [...OFFICE, 'handler'], handlerScope: 'any' },
  create: { roles: OFFICE },
  assign: { roles: OFFICE },
  acknowledge: { roles: ['handler'], handlerScope: 'lead' },
  contact: { roles: ['handler'], handlerScope: 'any' },
  note: { roles: [...OFFICE, 'handler'], handlerScope: 'any' },
  reply: { roles: ['handler'], handlerScope: 'lead' },
  extend: { roles: ['handler'], handlerScope: 'lead' },
  'decide-extension': { roles: OFFICE },
  close: { roles: OFFICE },
  reopen: { roles: OFFICE },
  return: { roles: OFFICE },
  merge: { roles: OFFICE },
  priority: { roles: OFFICE },
  recategorize: { roles: OFFICE },
};

export interface CaseScope {
  leadDepartmentId: number | null;
  coDepartmentIds: number[];
}

export function canDo(staff: Staff, verb: CaseVerb, scope?: CaseScope): boolean {
  const rule = PERMISSIONS[verb];
  if (!rule.roles.includes(staff.role)) return false;
  if (staff.role !== 'handler' || !scope) return true;
  if (staff.departmentId === null) return false;
  if (scope.leadDepartmentId === staff.departmentId) return true;
  return rule.handlerScope === 'any' && scope.coDepartmentIds.includes(staff.departmentId);
}

export function authorize(staff: Staff, verb: CaseVerb, scope?: CaseScope): void {
  if (!canDo(staff, verb, scope)) throw new DomainError('forbidden', 'forbidden_verb', { verb });
}
