import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, launch, newContext, pageErrors, screenshot, seriousViolations, skipReason, submit, text, uniquePhone } from './browser.ts';

/**
 * The public site in Chromium on the running server: filing a complaint with
 * JavaScript off and on, server-side errors beside their fields with the input
 * kept, the receipt, the status lookup, and axe on every public page.
 */
describe.skipIf(Boolean(skipReason))('public site', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('files a complaint with JavaScript off: errors beside fields, input kept, then the receipt and the lookup', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    const phone = uniquePhone();
    await page.goto('/report');
    expect(await text(page, 'h1')).toBe('在线投诉');
    // Without JavaScript every station's places are listed, grouped by station.
    expect(await page.locator('#location optgroup').count()).toBeGreaterThanOrEqual(3);

    await page.selectOption('#station', 'TJ');
    await page.fill('#description', '出站口有人拉客，要价很高');
    await page.fill('#phone', '12');
    expect(await submit(page)).toBe(400);
    expect(await page.title()).toMatch(/^错误：/);
    expect(await text(page, '#kind-error')).toContain('请选择类型');
    expect(await page.locator('#category-error').isVisible()).toBe(true);
    expect(await page.locator('.error-summary a[href="#kind"]').isVisible()).toBe(true);
    // The input survives the round trip.
    expect(await page.inputValue('#description')).toBe('出站口有人拉客，要价很高');
    expect(await page.inputValue('#phone')).toBe('12');
    expect(await page.inputValue('#station')).toBe('TJ');
    await screenshot(page, 'report-errors-zh');

    await page.selectOption('#kind', 'complaint');
    await page.selectOption('#category', 'touting');
    await page.selectOption('#location', { label: '出站口' });
    expect(await submit(page)).toBe(400);
    expect(await page.locator('#phone-error').isVisible()).toBe(true);
    expect(await page.inputValue('#kind')).toBe('complaint');
    expect(await page.inputValue('#location')).toBe('exit');

    await page.fill('#phone', phone);
    expect(await submit(page)).toBe(200);
    const url = new URL(page.url());
    expect(url.pathname).toBe('/report/done');
    // Nothing personal in the URL: only the tracking code.
    expect([...url.searchParams.keys()]).toEqual(['code']);
    const code = url.searchParams.get('code')!;
    const grouped = `${code.slice(0, 5)}-${code.slice(5)}`;
    expect(await text(page, '#tracking-code')).toBe(grouped);
    expect(await text(page, '.facts dd')).toContain('24:00');
    expect(await text(page, 'main')).toContain(`查询 ${grouped}`);
    await screenshot(page, 'receipt-zh');

    // Check it: wrong four digits answer the same as an unknown code.
    await Promise.all([page.waitForNavigation(), page.click('text=查询办理进度')]);
    expect(await page.inputValue('#code')).toBe(grouped);
    await page.fill('#phone4', phone.endsWith('0000') ? '1111' : '0000');
    expect(await submit(page)).toBe(404);
    expect(await text(page, '#lookup-notice')).toContain('没有找到这件投诉');
    await page.fill('#phone4', phone.slice(-4));
    expect(await submit(page)).toBe(200);
    expect(page.url()).not.toContain(phone.slice(-4));
    expect(await text(page, '#result')).toContain('已受理');
    expect(await text(page, '#result')).toContain('拉客揽客');
    expect(await page.locator('#result .timeline li').count()).toBe(1);
    await screenshot(page, 'status-zh');
    await context.close();
  });

  it('files a complaint in English with JavaScript on: places follow the station, the description counts', async () => {
    const context = await newContext(browser, { locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto('/en/report');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.selectOption('#station', 'BJN');
    // The script rebuilt the list: only Beijing South's places, no groups.
    expect(await page.locator('#location optgroup').count()).toBe(0);
    expect(await page.locator('#location option', { hasText: 'North square' }).count()).toBe(1);
    expect(await page.locator('#location option', { hasText: 'Intercity square' }).count()).toBe(0);
    await page.fill('#description', 'Unlicensed taxi drivers at the north exit');
    expect(await text(page, '#description-count')).toBe('41 of 2000 characters');
    await screenshot(page, 'report-en');
    expect(await seriousViolations(page)).toEqual([]);

    // A server-side error in English; the script's enhancements still hold afterwards.
    await page.selectOption('#kind', 'report');
    await page.selectOption('#category', 'illegal_taxi');
    await page.selectOption('#location', 'north_square');
    await page.fill('#phone', 'not a phone');
    expect(await submit(page)).toBe(400);
    expect(await text(page, '#phone-error')).toContain('Enter a valid phone number');
    expect(await page.inputValue('#location')).toBe('north_square');
    expect(await text(page, '#description-count')).toBe('41 of 2000 characters');

    await page.fill('#phone', uniquePhone());
    expect(await submit(page)).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/en/report/done');
    expect(await text(page, 'h1')).toBe('We have your complaint');
    expect(await text(page, '.facts dd')).toContain('end of');
    await screenshot(page, 'receipt-en');
    // The scripts ran under the Content-Security-Policy without a complaint.
    expect(pageErrors.get(context)).toEqual([]);
    await context.close();
  });

  it('shows the published figures with JavaScript off: a received count, charts with tables, the definitions', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    const res = await page.goto('/stats');
    expect(res?.status()).toBe(200);
    expect(await text(page, '#stats-received')).toMatch(/^\d+ 件$/);
    expect(await page.locator('#definitions + dl dt').count()).toBeGreaterThanOrEqual(6);
    expect(await text(page, '#definitions + dl')).toContain('满意率');
    // Charts drawn on the server, each titled for screen readers; the monthly trend always shows, with its table.
    expect(await page.locator('figure svg[role="img"][aria-labelledby] title').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#trend-table tbody tr').count()).toBe(12);
    expect(await page.getAttribute('a[href^="/api/stats.csv"]', 'href')).toContain('groupBy=month');
    // The GET form works without a script: the chosen station stays chosen.
    await page.selectOption('#station', 'TJ');
    await Promise.all([page.waitForNavigation(), page.click('.stats-filter button')]);
    expect(new URL(page.url()).searchParams.get('station')).toBe('TJ');
    expect(await page.inputValue('#station')).toBe('TJ');
    expect(await text(page, '#stats-received')).toMatch(/^\d+ 件$/);
    await context.close();
  });

  it('serves pages with safe headers, and the built static files with long caching', async () => {
    const res = await fetch(`${baseUrl}/`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    const css = (await res.text()).match(/href="(\/_astro\/[^"]+\.css)"/)?.[1];
    expect(css).toBeTruthy();
    const asset = await fetch(`${baseUrl}${css}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    // The API is still the API.
    expect((await fetch(`${baseUrl}/api/health`)).status).toBe(200);
  });
});
