import { CASE_STATUSES, type CaseStatus, type StaffRole } from './enums.ts';

/*
 * Who may do what to a case, and from which statuses: the API enforces these
 * (api/domain/cases/access.ts and each verb's transition), the staff console
 * offers only the forms they allow. Handlers act only on cases of their own
 * department; `handlerScope` says whether co-handling departments count
 * ('any') or only the lead ('lead'). A verb with `from: null` is not a
 * transition (reading, revealing a contact, filing).
 */

const OFFICE = ['dispatcher', 'supervisor'] as const satisfies readonly StaffRole[];
const OPEN = ['new', 'assigned', 'in_progress'] as const satisfies readonly CaseStatus[];
const HANDLING = ['assigned', 'in_progress'] as const satisfies readonly CaseStatus[];
/** Where a rating may stand: replied or closed, or handled again after it (重办). */
const RATED = ['assigned', 'in_progress', 'replied', 'closed'] as const satisfies readonly CaseStatus[];

export interface VerbRule {
  readonly roles: readonly StaffRole[];
  readonly handlerScope?: 'lead' | 'any';
  readonly from: readonly CaseStatus[] | null;
}

export const VERB_RULES = {
  read: { roles: ['dispatcher', 'supervisor', 'admin', 'handler'], handlerScope: 'any', from: null },
  reveal: { roles: [...OFFICE, 'handler'], handlerScope: 'any', from: null },
  create: { roles: OFFICE, from: null },
  assign: { roles: OFFICE, from: OPEN }, // 派单 / 改派
  acknowledge: { roles: ['handler'], handlerScope: 'lead', from: ['assigned'] }, // 签收
  contact: { roles: ['handler'], handlerScope: 'any', from: ['in_progress'] },
  note: { roles: [...OFFICE, 'handler'], handlerScope: 'any', from: CASE_STATUSES },
  reply: { roles: ['handler'], handlerScope: 'lead', from: ['in_progress'] }, // 答复
  extend: { roles: ['handler'], handlerScope: 'lead', from: HANDLING }, // 申请延期
  'decide-extension': { roles: OFFICE, from: HANDLING },
  close: { roles: OFFICE, from: ['replied'] }, // 办结
  reopen: { roles: OFFICE, from: ['replied', 'closed'] }, // 重办
  return: { roles: OFFICE, from: ['new', 'assigned'] }, // 退单
  merge: { roles: OFFICE, from: OPEN },
  priority: { roles: OFFICE, from: OPEN },
  recategorize: { roles: OFFICE, from: OPEN },
  relocate: { roles: OFFICE, from: OPEN }, // correct station and place
  // 申诉/核减 of a 12345 rating: the lead department files it, a supervisor sends it to the platform.
  appeal: { roles: ['handler'], handlerScope: 'lead', from: RATED },
  'send-appeal': { roles: ['supervisor'], from: RATED },
} as const satisfies Record<string, VerbRule>;

export type CaseVerb = keyof typeof VERB_RULES;
export const CASE_VERBS = Object.keys(VERB_RULES) as CaseVerb[];

/** The verbs that move a case (or write to it) from given statuses. */
export type TransitionVerb = { [V in CaseVerb]: (typeof VERB_RULES)[V]['from'] extends null ? never : V }[CaseVerb];

/** The statuses a transition verb may run from. */
export function fromStatuses<V extends TransitionVerb>(verb: V): (typeof VERB_RULES)[V]['from'] {
  return VERB_RULES[verb].from;
}

/** The role part of the rule (the API adds the department scope, which needs the case). */
export function roleMay(verb: CaseVerb, role: StaffRole): boolean {
  return (VERB_RULES[verb].roles as readonly StaffRole[]).includes(role);
}

/** Whether a role may run a verb on a case in a status: what the console offers. */
export function mayRun(verb: TransitionVerb, role: StaffRole, status: CaseStatus): boolean {
  return roleMay(verb, role) && (VERB_RULES[verb].from as readonly CaseStatus[]).includes(status);
}
