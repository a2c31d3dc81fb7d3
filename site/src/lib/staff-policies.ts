import { CASE_KINDS, CHANNELS, DURATION_UNITS, type DurationUnit, type Policy, type PolicyBody, PRIORITIES } from './contract.ts';
import { DURATION_UNIT_NAMES } from './staff.ts';

/*
 * The deadline policy form of the console (/staff/admin/policies): what it
 * posts, and the body it sends to POST or PATCH /api/staff/admin/policies.
 * Every problem is found in one pass and worded for people; the API stays the
 * judge (an unknown category, a tie with an active policy).
 */

export const POLICY_CLOCKS = [
  { key: 'ack', name: '签收' },
  { key: 'contact', name: '首次联系' },
  { key: 'reply', name: '答复' },
] as const;
type ClockKey = (typeof POLICY_CLOCKS)[number]['key'];

/** What the form calls each field of a policy, for the API's refusals. */
export const POLICY_FIELD_NOUNS: Record<string, string> = {
  name: '规则名称',
  channel: '渠道',
  kind: '诉求类型',
  category: '问题类别',
  priority: '等级',
  ack: '签收时限',
  contact: '首次联系时限',
  reply: '答复时限',
  source: '依据',
};

export const POLICY_UNIT_NAMES: Record<DurationUnit, string> = DURATION_UNIT_NAMES;

const FIELDS = ['id', 'name', 'channel', 'kind', 'category', 'priority', 'ackAmount', 'ackUnit', 'contactAmount', 'contactUnit', 'replyAmount', 'replyUnit', 'source'] as const;
export type PolicyFormValues = Record<(typeof FIELDS)[number], string>;

export function policyFormValues(form: FormData): PolicyFormValues {
  const out = {} as PolicyFormValues;
  for (const name of FIELDS) {
    const v = form.get(name);
    out[name] = typeof v === 'string' ? v.trim() : '';
  }
  return out;
}

const oneOf = <T extends string>(list: readonly T[], v: string): T | null => ((list as readonly string[]).includes(v) ? (v as T) : null);

/**
 * The body for the API (every field, null where not set: an edit clears what the
 * form leaves blank; whether the policy is on is not the form's), or the form's
 * errors by field.
 */
export function policyBody(v: PolicyFormValues): { body?: Omit<Required<PolicyBody>, 'active'>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!v.name) errors.name = '请填写规则名称';
  else if ([...v.name].length > 100) errors.name = '规则名称不超过 100 字';
  const clocks = {} as Record<ClockKey, { amount: number; unit: DurationUnit } | null>;
  for (const c of POLICY_CLOCKS) {
    const amount = v[`${c.key}Amount`];
    const unit = oneOf(DURATION_UNITS, v[`${c.key}Unit`]);
    clocks[c.key] = null;
    if (!unit) {
      if (amount) errors[c.key] = `请选择${c.name}时限的单位`;
      continue;
    }
    if (unit === 'same_day') {
      clocks[c.key] = { amount: 0, unit };
      continue;
    }
    const n = Number(amount);
    if (!amount) errors[c.key] = `请填写${c.name}时限的数量`;
    else if (!Number.isFinite(n) || n < 0 || n > 10_000) errors[c.key] = `${c.name}时限请填写 0 到 10000 之间的数字`;
    else clocks[c.key] = { amount: n, unit };
  }
  if (!POLICY_CLOCKS.some((c) => clocks[c.key] || errors[c.key])) errors.reply = '请至少设置一个时限（签收、首次联系或答复）';
  if ([...v.source].length > 500) errors.source = '依据不超过 500 字';
  if (Object.keys(errors).length) return { errors };
  return {
    errors,
    body: {
      name: v.name,
      channel: oneOf(CHANNELS, v.channel),
      kind: oneOf(CASE_KINDS, v.kind),
      category: v.category || null,
      priority: oneOf(PRIORITIES, v.priority),
      ack: clocks.ack,
      contact: clocks.contact,
      reply: clocks.reply,
      source: v.source || null,
    },
  };
}

/**
 * Ties saved before the API refused them: an active policy with the same scope
 * as an older active one, on a clock both set, never applies to that clock
 * (the older one wins: matchClocks breaks ties by the lowest id). For each such
 * policy, the clocks it loses and the policy that wins them, so the console can
 * say so beside it.
 */
export function shadowed(policies: readonly Policy[]): Map<number, Array<{ clock: string; winner: Policy }>> {
  const out = new Map<number, Array<{ clock: string; winner: Policy }>>();
  const active = policies.filter((p) => p.active).sort((a, b) => a.id - b.id);
  const units = { ack: 'ackUnit', contact: 'contactUnit', reply: 'replyUnit' } as const;
  for (const p of active) {
    for (const c of POLICY_CLOCKS) {
      if (p[units[c.key]] === null) continue;
      const winner = active.find(
        (q) => q.id < p.id && q[units[c.key]] !== null && q.channel === p.channel && q.kind === p.kind && q.categoryId === p.categoryId && q.priority === p.priority,
      );
      if (winner) out.set(p.id, [...(out.get(p.id) ?? []), { clock: c.name, winner }]);
    }
  }
  return out;
}
