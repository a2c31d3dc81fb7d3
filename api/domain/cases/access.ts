import { type CaseVerb, VERB_RULES, type VerbRule } from '../../contract/verbs.ts';
import { DomainError } from '../../errors.ts';
import type { Role, Staff } from '../staff/session.ts';

/**
 * Who may do what to a case (the contract's VERB_RULES). Handlers act only on
 * cases of their own department (lead or co-handling); some verbs belong to the
 * lead alone.
 */
export type { CaseVerb } from '../../contract/verbs.ts';

/** The rules by verb, as the contract states them. */
export const PERMISSIONS: Record<CaseVerb, VerbRule> = VERB_RULES;

export interface CaseScope {
  leadDepartmentId: number | null;
  coDepartmentIds: number[];
}

export function canDo(staff: Staff, verb: CaseVerb, scope?: CaseScope): boolean {
  const rule = PERMISSIONS[verb];
  if (!(rule.roles as readonly Role[]).includes(staff.role)) return false;
  if (staff.role !== 'handler' || !scope) return true;
  if (staff.departmentId === null) return false;
  if (scope.leadDepartmentId === staff.departmentId) return true;
  return rule.handlerScope === 'any' && scope.coDepartmentIds.includes(staff.departmentId);
}

export function authorize(staff: Staff, verb: CaseVerb, scope?: CaseScope): void {
  if (!canDo(staff, verb, scope)) throw new DomainError('forbidden', 'forbidden_verb', { verb });
}
