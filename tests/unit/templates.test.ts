import { describe, expect, it } from 'vitest';
import { renderEmail, renderSms, TEMPLATES } from '../../api/domain/messages/templates.ts';
import { messagePayload } from '../helpers/message-payload.ts';

const payload = messagePayload();

describe('message templates', () => {
  for (const template of TEMPLATES) {
    for (const lang of ['zh-CN', 'en'] as const) {
      it(`${template} renders in ${lang}, as text and HTML, with nothing left blank`, () => {
        const email = renderEmail(template, lang, payload, 'https://hotline.example.cn');
        expect(email.subject.length).toBeGreaterThan(3);
        expect(email.text).not.toMatch(/undefined|null|NaN/);
        expect(email.html).toMatch(/^<!doctype html>/);
        expect(email.html).not.toMatch(/<script/i);
        expect(renderSms(template, lang, payload, 'https://hotline.example.cn')).not.toMatch(/undefined|NaN/);
      });
    }
  }

  it('keeps the citizen SMS of fixed length within one Chinese segment (70 characters)', () => {
    for (const template of ['receipt', 'survey', 'survey_reminder', 'merged']) {
      expect(renderSms(template, 'zh-CN', payload, 'https://x').length, template).toBeLessThanOrEqual(70);
    }
  });

  it('writes deadlines as the office reads them, in Beijing time', () => {
    expect(renderSms('receipt', 'zh-CN', payload, 'https://x')).toContain('3月6日前答复');
    expect(renderEmail('escalation', 'zh-CN', payload, 'https://x').text).toContain('2026-03-06 00:00');
    expect(renderEmail('assignment', 'en', payload, 'https://x').text).toContain('2026-02-13 19:00');
  });

  it('escapes what the office wrote before it goes into HTML', () => {
    const html = renderEmail('reply', 'zh-CN', { ...payload, text: '<b>已处理</b> & 谢谢' }, 'https://x').html;
    expect(html).toContain('&lt;b&gt;已处理&lt;/b&gt; &amp; 谢谢');
  });

  it('keeps an address the office typed inert in HTML: its anchor is escaped like the rest', () => {
    const text = '见 https://a.example/x"><img src=x onerror=alert(1)> 谢谢';
    const html = renderEmail('reply', 'zh-CN', { ...payload, text }, 'https://x').html;
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('<a href="https://a.example/x&quot;&gt;&lt;img">https://a.example/x&quot;&gt;&lt;img</a>');
  });
});
