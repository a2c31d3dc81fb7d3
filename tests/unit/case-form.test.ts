import { describe, expect, it } from 'vitest';
import { CreateCaseBody, EnterCaseBody } from '../../api/contract/index.ts';
import { parsePhone } from '../../api/domain/cases/phone.ts';
import { apiFieldErrors, caseFormErrors, type OfferedLists, phoneAccepted } from '../../site/src/lib/case-form.ts';

/*
 * The site's check of a case form before it is sent (site/src/lib/case-form.ts):
 * every problem at once, in words, and never stricter than the API it stands
 * in front of.
 */
const meta: OfferedLists = {
  stations: [
    { code: 'TJ', name: '天津站' },
    { code: 'BJN', name: '北京南站' },
  ],
  kinds: [
    { code: 'complaint', name: '投诉' },
    { code: 'help', name: '求助' },
  ],
  categories: [{ code: 'touting', name: '拉客揽客', defaultPriority: 'blue' }],
  locations: [
    { code: 'exit', name: '出站口', station: 'TJ' },
    { code: 'north_square', name: '北广场', station: 'BJN' },
  ],
};
const PUBLIC_REQUIRED = ['station', 'kind', 'category', 'description', 'phone'] as const;

describe('checking a case form', () => {
  it('accepts a phone exactly when the API does', () => {
    const inputs = [
      '13812345678',
      '+86 138 1234 5678',
      '022-2345 6789',
      '+44 7911 123456',
      '12345678901',
      '12',
      'abc',
      '23812345678',
      '1381234567',
      '+999 123',
      ' 13912345678 ',
      '1'.repeat(33),
      '',
    ];
    let seed = 11;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let i = 0; i < 1500; i++)
      inputs.push(
        `${['', '+86', '+1', '+852', '0', '+61'][i % 6]}${String(next())
          .padStart(10, '0')
          .slice(0, 7 + (i % 6))}`,
      );
    const disagree = inputs.filter((input) => phoneAccepted(input) !== (parsePhone(input) !== undefined));
    expect(disagree).toEqual([]);
    expect(inputs.filter(phoneAccepted).length).toBeGreaterThan(50);
  });

  it('names every problem of the public form at once, a bad phone with blank fields, in the form’s order', () => {
    const errors = caseFormErrors({ lang: 'zh-CN', schema: CreateCaseBody, body: { phone: '12', email: 'not-an-address', lang: 'zh-CN' }, required: PUBLIC_REQUIRED, meta });
    expect(errors).toEqual({
      station: '请选择车站',
      kind: '请选择类型',
      category: '请选择问题类别',
      description: '请填写问题描述',
      phone: '请输入有效的手机号码',
      email: '请输入有效的电子邮箱',
    });
    expect(Object.keys(errors)).toEqual(['station', 'kind', 'category', 'description', 'phone', 'email']);
  });

  it('says it in English on English pages', () => {
    const errors = caseFormErrors({
      lang: 'en',
      schema: CreateCaseBody,
      body: { station: 'TJ', kind: 'help', category: 'touting', description: 'x', lang: 'en' },
      required: PUBLIC_REQUIRED,
      meta,
    });
    expect(errors).toEqual({ phone: 'Enter your mobile phone number' });
  });

  it('checks choices against the lists the form offered, and a place against its station', () => {
    const body = { station: 'XX', kind: 'complaint', category: 'nope', location: 'exit', description: '出站口有人拉客', phone: '13812345678' };
    expect(caseFormErrors({ lang: 'zh-CN', schema: CreateCaseBody, body, required: PUBLIC_REQUIRED, meta })).toEqual({ station: '请从列表中选择车站', category: '请从列表中选择问题类别' });
    const wrongPlace = { ...body, station: 'BJN', category: 'touting' };
    expect(caseFormErrors({ lang: 'zh-CN', schema: CreateCaseBody, body: wrongPlace, required: PUBLIC_REQUIRED, meta })).toEqual({ location: '所选车站没有这个地点，请重新选择' });
    expect(caseFormErrors({ lang: 'zh-CN', schema: CreateCaseBody, body: { ...wrongPlace, location: 'north_square' }, required: PUBLIC_REQUIRED, meta })).toEqual({});
  });

  it('words the schema’s limits with the field’s name: too long, unstorable', () => {
    const body = { station: 'TJ', kind: 'complaint', category: 'touting', description: '长'.repeat(2001), phone: '13812345678', name: 'a\u0000b' };
    expect(caseFormErrors({ lang: 'zh-CN', schema: CreateCaseBody, body, required: PUBLIC_REQUIRED, meta })).toEqual({
      description: '问题描述不能超过 2000 个字（现在 2001 个字）',
      name: '称呼含有无法保存的字符，请删去后再提交',
    });
  });

  it('checks the console’s entry form too: channel, time received (not in the future), phone optional', () => {
    const now = new Date('2026-03-05T06:00:00Z');
    const required = ['channel', 'receivedAt', 'station', 'kind', 'category', 'description'] as const;
    const blank = caseFormErrors({ lang: 'zh-CN', schema: EnterCaseBody, body: { kind: 'complaint', phone: 'abc' }, required, meta, now });
    expect(blank).toEqual({
      channel: '请选择来源渠道',
      receivedAt: '请填写受理时间',
      station: '请选择车站',
      category: '请选择问题类别',
      description: '请填写问题描述',
      phone: '请输入有效的手机号码',
    });
    const body = { channel: 'phone', receivedAt: '2026-03-05T15:00:00+08:00', station: 'TJ', kind: 'complaint', category: 'touting', description: '来电' };
    expect(caseFormErrors({ lang: 'zh-CN', schema: EnterCaseBody, body, required, meta, now })).toEqual({ receivedAt: '受理时间不能晚于现在' });
    expect(caseFormErrors({ lang: 'zh-CN', schema: EnterCaseBody, body: { ...body, receivedAt: '2026-03-05T14:04:00+08:00' }, required, meta, now })).toEqual({});
    expect(caseFormErrors({ lang: 'zh-CN', schema: EnterCaseBody, body: { ...body, receivedAt: 'yesterday' }, required, meta, now })).toEqual({ receivedAt: '受理时间格式不正确' });
  });

  it('places the API’s field errors by the field’s name in words, and never shows a field the form lacks', () => {
    const placed = apiFieldErrors('zh-CN', { phone: '请输入有效的手机号码', station: '取值无效', text: '必填' }, ['station', 'phone']);
    expect(placed).toEqual({ errors: { phone: '请输入有效的手机号码', station: '车站：取值无效' }, unplaced: true });
    expect(apiFieldErrors('en', { category: 'Unknown category', description: 'Required' }, ['category', 'description'])).toEqual({
      errors: { category: 'Unknown category', description: 'Description: Required' },
      unplaced: false,
    });
  });
});
