import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, launch, MOBILE, newContext, pageErrors, SCREENSHOTS, seriousViolations, skipReason, staffApi, submit, text, uniquePhone } from './browser.ts';

/**
 * The public figures page on a 390 px phone (issue #18): the real open count,
 * small samples flagged on the headline rates, three charts drawn on the server
 * (monthly trend, reply timing against the deadline, top problems), each with a
 * title and a table, no sideways scrolling, table headers not broken a
 * character per line, axe clean. A full-page screenshot of each language goes to
 * tests/artifacts/screenshots/ (kept by CI) for a person to look at. Also: the dashboard's period select and
 * the home page's reply limits from the policies.
 */
const RESULTS = SCREENSHOTS;

async function file(kind: string, category: string): Promise<{ trackingCode: string; replyDueAt: string }> {
  const res = await fetch(`${baseUrl}/api/cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ station: 'TJN', kind, category, description: `统计页测试：${category}`, phone: uniquePhone() }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { trackingCode: string; replyDueAt: string };
}

/** Assigned to 执法一科, acknowledged and replied at once: a reply well before its deadline. */
async function replyTo(code: string): Promise<void> {
  const dispatcher = await staffApi('dispatcher@demo.test');
  const found = (await dispatcher<{ items: Array<{ id: string; trackingCode: string }> }>(`/api/staff/cases?q=${code}`)).items.find((i) => i.trackingCode === code)!;
  const { version: v0 } = await dispatcher<{ version: number }>(`/api/staff/cases/${found.id}`);
  await dispatcher(`/api/staff/cases/${found.id}/assign`, { version: v0, leadDepartment: 'enf1' });
  const handler = await staffApi('handler@demo.test');
  let { version } = await handler<{ version: number }>(`/api/staff/cases/${found.id}`);
  ({ version } = await handler<{ version: number }>(`/api/staff/cases/${found.id}/acknowledge`, { version }));
  await handler(`/api/staff/cases/${found.id}/reply`, { version, text: '经核查，已在出站口加强巡查。感谢您的监督。' });
}

/** The Beijing month a deadline counts in (24:00 belongs to the day it ends). */
function deadlineMonth(iso: string): string {
  return new Date(Date.parse(iso) - 1 + 8 * 3600_000).toISOString().slice(0, 7);
}

/** Lines each table header (column or row) takes, and its characters. */
async function headerLines(page: Page): Promise<Array<{ text: string; lines: number }>> {
  return page.$$eval('main th', (ths) =>
    ths.map((th) => {
      // The line boxes of the header's own text (a cell's height is its row's).
      const range = document.createRange();
      range.selectNodeContents(th);
      const tops = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
      return { text: (th.textContent ?? '').trim(), lines: tops.size };
    }),
  );
}

async function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0);
}

describe.skipIf(Boolean(skipReason))('the statistics page on a phone', () => {
  let browser: Browser;
  let month: string;
  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    browser = await launch();
    // A consultation answered at once (early), and two complaints still open.
    const consult = await file('consult', 'touting');
    await replyTo(consult.trackingCode);
    await file('complaint', 'touting');
    await file('complaint', 'parking');
    month = deadlineMonth(consult.replyDueAt);
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const [lang, prefix] of [
    ['zh', ''],
    ['en', '/en'],
  ] as const) {
    it(`shows the open count, flagged small samples and three charts with tables at 390 px (${lang})`, async () => {
      const context = await newContext(browser, { viewport: MOBILE, locale: lang === 'zh' ? 'zh-CN' : 'en-GB' });
      const page = await context.newPage();
      const res = await page.goto(`${prefix}/stats?period=${month}&station=TJN`);
      expect(res?.status()).toBe(200);

      // The open count is the cases open now, not the cases waiting for the fold.
      const open = Number((await text(page, '#stats-open')).match(/\d+/)?.[0]);
      expect(open).toBeGreaterThanOrEqual(3);

      // Three charts, each an image with a title, each followed by its table.
      const charts = page.locator('main figure svg[role="img"]');
      expect(await charts.count()).toBe(3);
      for (const id of ['chart-trend', 'chart-timing', 'chart-category']) {
        expect(await page.locator(`#${id}-title`).count(), id).toBe(1);
        expect((await page.getAttribute(`svg:has(#${id}-title)`, 'aria-labelledby')) ?? '', id).toContain(`${id}-title`);
      }
      expect(await page.locator('#trend-table tbody tr').count()).toBe(12);
      expect(await page.locator('#timing-table tbody tr').count()).toBe(5);
      // The consultation answered at once is in it (its deadline falls in the month shown).
      const timed = await page.$$eval('#timing-table tbody td:first-of-type', (tds) => tds.reduce((sum, td) => sum + Number(td.textContent), 0));
      expect(timed).toBeGreaterThanOrEqual(1);
      expect(await page.locator('#category-table tbody tr').count()).toBeGreaterThanOrEqual(2);
      // The charts have axes: ticks and an axis label.
      expect(await page.locator('svg:has(#chart-trend-title) text.tick').count()).toBeGreaterThan(12);
      expect(await page.locator('svg:has(#chart-trend-title) text.axis').count()).toBe(2);

      // A few cases make a small sample: the headline says so beside the rate.
      const warning = page.locator('.figure .small-sample').first();
      expect(await warning.isVisible()).toBe(true);
      expect(await warning.textContent()).toMatch(lang === 'zh' ? /样本少（\d+ 件）/ : /Small sample \(\d+\)/);

      // Nothing scrolls sideways; no header is broken a character per line.
      expect(await scrollWidth(page)).toBeLessThanOrEqual(MOBILE.width);
      const headers = await headerLines(page);
      expect(headers.length).toBeGreaterThan(10);
      // A header may wrap between words, never inside one: at 390 px this page broke 首次联系投诉人
      // into four lines of two characters and 无障碍设施 into three.
      // (Chinese may also wrap at its punctuation, as in 非法营运（黑出租）.)
      const words = (text: string) => text.split(/[\s（）()、，,：:/]+/).filter(Boolean).length;
      expect(headers.filter((h) => h.lines > words(h.text))).toEqual([]);
      expect(headers.filter((h) => h.lines > 3)).toEqual([]);

      await page.screenshot({ path: `${RESULTS}/stats-390-${lang}.png`, fullPage: true });
      expect(await seriousViolations(page)).toEqual([]);
      expect(pageErrors.get(context)).toEqual([]);
      await context.close();
    });
  }

  it('works without JavaScript, and says when figures are being updated only when they are', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`/stats?period=${month}`);
    expect(await page.locator('main figure svg[role="img"]').count()).toBe(3);
    // Each read folds what waits first: nothing waits here.
    expect(await page.locator('#stats-updating').count()).toBe(0);
    await context.close();
  });
});

describe.skipIf(Boolean(skipReason))('the dashboard period and the home page limits', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('offers the dashboard period as a select, like /stats, and keeps the choice', async () => {
    const context = await newContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto('/staff/login');
    await page.fill('#email', 'supervisor@demo.test');
    await page.fill('#password', 'station-demo');
    expect(await submit(page)).toBe(200);
    await page.goto('/staff/dashboard');
    expect(await page.locator('select#d-period').count()).toBe(1);
    expect(await page.locator('input#d-period').count()).toBe(0);
    const quarter = await page.locator('select#d-period optgroup[label="季度"] option').first().getAttribute('value');
    expect(quarter).toMatch(/^\d{4}-Q[1-4]$/);
    await page.selectOption('#d-period', quarter!);
    expect(await submit(page, 'form.filters button')).toBe(200);
    expect(new URL(page.url()).searchParams.get('period')).toBe(quarter);
    expect(await page.inputValue('#d-period')).toBe(quarter);
    expect(await text(page, '#department-table caption')).toContain('按期办结率');
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('lists the reply limits from the policies, in the singular for one working day', async () => {
    const context = await newContext(browser, { locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto('/en/');
    const rows = await page.$$eval('#reply-limits tbody tr', (trs) =>
      trs.map((tr) =>
        Array.from((tr as HTMLTableRowElement).cells)
          .map((cell) => cell.textContent?.trim())
          .join(' '),
      ),
    );
    expect(rows).toContain('Inquiry 1 working day');
    expect(rows).toContain('Suggestion 15 working days');
    expect(rows.join(' ')).not.toMatch(/\(s\)/);
    await page.goto('/');
    expect(await text(page, '#reply-limits tbody tr:first-child td')).toBe('1 个工作日');
    await context.close();
  });
});
