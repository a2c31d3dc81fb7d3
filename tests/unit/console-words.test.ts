import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../api/contract/durations.ts';
import type { Policy } from '../../api/contract/wire/deadlines.ts';
import type { ApiError } from '../../site/src/lib/api.ts';
import { verbApiErrors, verbBody, wordedApiError } from '../../site/src/lib/staff-forms.ts';
import { policyBody, policyFormValues, shadowed } from '../../site/src/lib/staff-policies.ts';

/*
 * What the console says (issue #18): a policy's clocks as people say them,
 * and a form's problems all at once, in words, never by the API's field names.
 */
const form = (entries: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(entries)) f.set(k, v);
  return f;
};
const apiError = (message: string, fields: Record<string, string> = {}): ApiError => ({ status: 400, code: 'invalid_input', message, fields, retryAfter: undefined, details: undefined });
/** API field names a person should never read. */
const API_NAMES = /\b(text|reason|newDueAt|version|into|leadDepartment|email|name)\b/;

describe('durations', () => {
  it('are told in minutes below an hour, with measure words in Chinese and the singular for one in English', () => {
    expect(formatDuration(0.25, 'hours', 'zh-CN')).toBe('15 分钟');
    expect(formatDuration(0.25, 'hours', 'en')).toBe('15 minutes');
    expect(formatDuration(1.5, 'hours', 'zh-CN')).toBe('1 小时 30 分钟');
    expect(formatDuration(1.5, 'hours', 'en')).toBe('1 hour 30 minutes');
    expect(formatDuration(24, 'hours', 'zh-CN')).toBe('24 小时');
    expect(formatDuration(1, 'hours', 'en')).toBe('1 hour');
    expect(formatDuration(2, 'working_days', 'zh-CN')).toBe('2 个工作日');
    expect(formatDuration(1, 'working_days', 'en')).toBe('1 working day');
    expect(formatDuration(10, 'working_days', 'en')).toBe('10 working days');
    expect(formatDuration(7, 'calendar_days', 'zh-CN')).toBe('7 个自然日');
    expect(formatDuration(1, 'calendar_days', 'en')).toBe('1 calendar day');
    expect(formatDuration(0, 'same_day', 'zh-CN')).toBe('当日');
    expect(formatDuration(0, 'same_day', 'en')).toBe('same day');
  });
});

describe('workflow forms', () => {
  it('name every problem of one submit at once, in words', () => {
    const reply = verbBody('reply', form({ text: '  ' }), 3);
    expect(reply.body).toBeUndefined();
    expect(reply.errors).toEqual({ text: '请填写答复内容', confirm: '请先勾选确认' });

    const extend = verbBody('extend', form({}), 3);
    expect(extend.errors).toEqual({ reason: '请填写延期理由', newDueAt: '请选择新的答复期限' });

    const long = verbBody('note', form({ text: '字'.repeat(4001) }), 3);
    expect(long.errors?.text).toBe('备注内容不能超过 4000 字（现有 4001 字）');

    const stale = verbBody('acknowledge', form({}), Number.NaN);
    expect(stale.errors?.version).toBe('页面已过期，请刷新后重试');

    for (const result of [reply, extend, long]) for (const message of Object.values(result.errors ?? {})) expect(message).not.toMatch(API_NAMES);
  });

  it('send the body when all is well', () => {
    expect(verbBody('reply', form({ text: '已处理', confirm: 'yes' }), 3)).toEqual({ body: { version: 3, text: '已处理' } });
    expect(verbBody('extend', form({ reason: '需协调', newDueAt: '2026-03-20T00:00' }), 4)).toEqual({ body: { version: 4, reason: '需协调', newDueAt: '2026-03-20T00:00:00+08:00' } });
    expect(verbBody('decide-extension', form({ approve: 'no' }), 5)).toEqual({ body: { version: 5, approve: false } });
    expect(verbBody('decide-extension', form({}), 5).errors).toEqual({ approve: '请选择批准或驳回' });
  });

  it('word the API’s refusals: no "请检查：text", no codes for verbs or statuses', () => {
    const refused = verbApiErrors('reply', apiError('提交的内容有误，请检查：text', { text: '不能超过 4000 个字' }));
    expect(refused).toEqual({ message: '请检查下面标出的内容', fields: { text: '答复内容：不能超过 4000 个字' } });
    const transition = verbApiErrors('reply', apiError('案件当前状态（closed）不能执行此操作（reply）'));
    expect(transition.message).toBe('案件当前状态（已办结）不能执行此操作（答复市民）');
    const admin = wordedApiError(apiError('提交的内容有误，请检查：email, name', { email: '格式不正确', name: '必填' }), (f) => ({ email: '邮箱', name: '姓名' })[f] ?? f, '保存失败');
    expect(admin.message).not.toMatch(API_NAMES);
    expect(admin.fields).toEqual({ email: '邮箱：格式不正确', name: '姓名：必填' });
  });
});

describe('the policy form', () => {
  it('names every problem at once and sends every field of an edit', () => {
    const bad = policyBody(policyFormValues(form({ ackAmount: '2', contactUnit: 'hours', replyAmount: '-1', replyUnit: 'working_days' })));
    expect(bad.errors).toEqual({
      name: '请填写规则名称',
      ack: '请选择签收时限的单位',
      contact: '请填写首次联系时限的数量',
      reply: '答复时限请填写 0 到 10000 之间的数字',
    });
    expect(policyBody(policyFormValues(form({ name: '空规则' }))).errors).toEqual({ reply: '请至少设置一个时限（签收、首次联系或答复）' });
    const good = policyBody(policyFormValues(form({ name: '蓝色当日', priority: 'blue', contactUnit: 'same_day' })));
    expect(good.body).toEqual({
      name: '蓝色当日',
      channel: null,
      kind: null,
      category: null,
      priority: 'blue',
      ack: null,
      contact: { amount: 0, unit: 'same_day' },
      reply: null,
      source: null,
    });
  });
});

describe('ties saved before they were refused', () => {
  const policy = (p: Partial<Policy> & { id: number }): Policy => ({
    name: `#${p.id}`,
    channel: null,
    kind: null,
    categoryId: null,
    category: null,
    priority: null,
    ackAmount: null,
    ackUnit: null,
    contactAmount: null,
    contactUnit: null,
    replyAmount: null,
    replyUnit: null,
    source: null,
    active: true,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...p,
  });

  it('name the clocks the newer policy loses and the older one that wins them', () => {
    const older = policy({ id: 3, name: '投诉', kind: 'complaint', replyAmount: 10, replyUnit: 'working_days' });
    const newer = policy({ id: 9, name: '投诉（五天）', kind: 'complaint', replyAmount: 5, replyUnit: 'working_days', ackAmount: 1, ackUnit: 'hours' });
    const narrower = policy({ id: 12, name: '网站投诉', channel: 'web', kind: 'complaint', replyAmount: 3, replyUnit: 'working_days' });
    const off = policy({ id: 2, name: '停用的投诉', kind: 'complaint', replyAmount: 1, replyUnit: 'working_days', active: false });
    const result = shadowed([narrower, newer, older, off]);
    expect([...result.keys()]).toEqual([9]);
    expect(result.get(9)?.map((l) => [l.clock, l.winner.name])).toEqual([['答复', '投诉']]);
  });
});
