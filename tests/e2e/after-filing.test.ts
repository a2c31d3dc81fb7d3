import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, fileComplaint, launch, MOBILE, newContext, pageErrors, screenshot, seriousViolations, skipReason, staffApi, staffSignIn, submit, text, uniquePhone } from './browser.ts';

/**
 * What travelers and the office see after filing (issue #18): every form
 * error in one answer, in words and in the page's language; a receipt only for
 * the browser that filed; a rating page that stops offering its form once the
 * reply is rated; long unbroken words that wrap instead of widening the
 * console; and axe on each of those pages.
 */
/** API field names a person should never read in a message. */
const API_NAMES = /\b(channel|receivedAt|station|location|kind|category|priority|description|phone|email|text|lang)\b/;

const signIn = (browser: Browser, email: string, viewport = DESKTOP) => staffSignIn(browser, email, { viewport });

/** The case's id and version, found by its tracking code in the queue. */
async function findCase(api: Awaited<ReturnType<typeof staffApi>>, code: string): Promise<{ id: string; version: number }> {
  const queue = await api<{ items: Array<{ id: string; trackingCode: string }> }>(`/api/staff/cases?q=${code}`);
  const item = queue.items.find((i) => i.trackingCode === code);
  if (!item) throw new Error(`case ${code} is not in the queue`);
  const detail = await api<{ version: number }>(`/api/staff/cases/${item.id}`);
  return { id: item.id, version: detail.version };
}

/** Dispatcher assigns to 执法一科, its handler acknowledges and replies: a case the citizen can rate. */
async function replyTo(code: string): Promise<void> {
  const dispatcher = await staffApi('dispatcher@demo.test');
  const found = await findCase(dispatcher, code);
  await dispatcher(`/api/staff/cases/${found.id}/assign`, { version: found.version, leadDepartment: 'enf1' });
  const handler = await staffApi('handler@demo.test');
  let { version } = await findCase(handler, code);
  ({ version } = await handler<{ version: number }>(`/api/staff/cases/${found.id}/acknowledge`, { version }));
  await handler(`/api/staff/cases/${found.id}/reply`, { version, text: '经核查，已在出站口加强巡查。感谢您的监督。' });
}

/** The document is no wider than the window: nothing makes the page scroll sideways. */
async function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0);
}

describe.skipIf(Boolean(skipReason))('after filing', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the complaint form names every problem in one answer, a bad phone included, in words (JavaScript off)', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/report');
    await page.fill('#phone', '12');
    await page.fill('#email', 'not-an-address');
    expect(await submit(page)).toBe(400);
    expect(await page.title()).toMatch(/^错误：/);
    const expected: Record<string, string> = {
      station: '请选择车站',
      kind: '请选择类型',
      category: '请选择问题类别',
      description: '请填写问题描述',
      phone: '请输入有效的手机号码',
      email: '请输入有效的电子邮箱',
    };
    for (const [field, message] of Object.entries(expected)) {
      expect(await text(page, `#${field}-error`), field).toContain(message);
      expect(await page.getAttribute(`#${field}`, 'aria-invalid'), field).toBe('true');
    }
    // The summary lists all six, each linking to its field, none by the API's name and none a bare "必填".
    const summary = page.locator('.error-summary li a');
    expect(await summary.count()).toBe(6);
    expect(await page.locator('.error-summary a[href="#phone"]').count()).toBe(1);
    const summaryText = await text(page, '.error-summary');
    expect(summaryText).not.toMatch(API_NAMES);
    expect(summaryText).not.toMatch(/必填(?!项)/);
    await screenshot(page, 'after-filing-report-all-errors-zh');

    // A number of the right shape that is still no phone number is caught in the same pass as a blank category.
    await page.selectOption('#station', 'TJ');
    await page.selectOption('#kind', 'complaint');
    await page.fill('#description', '出站口有人拉客');
    await page.fill('#phone', '12345678901');
    await page.fill('#email', '');
    expect(await submit(page)).toBe(400);
    expect(await text(page, '#category-error')).toContain('请选择问题类别');
    expect(await text(page, '#phone-error')).toContain('请输入有效的手机号码');
    expect(await page.locator('.error-summary li').count()).toBe(2);
    expect(await page.inputValue('#description')).toBe('出站口有人拉客');

    await page.selectOption('#category', 'touting');
    await page.fill('#phone', uniquePhone());
    expect(await submit(page)).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/report/done');
    await context.close();
  });

  it('says the same in English, and axe finds nothing serious on the form with its errors', async () => {
    const context = await newContext(browser, { locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto('/en/report');
    await page.fill('#description', 'x'.repeat(10));
    await page.fill('#phone', 'not a phone');
    expect(await submit(page)).toBe(400);
    expect(await text(page, '#station-error')).toContain('Choose a station');
    expect(await text(page, '#category-error')).toContain('Choose a category');
    expect(await text(page, '#phone-error')).toContain('Enter a valid phone number');
    // Each message is a sentence that names its field in words.
    expect(await page.locator('.error-summary li').allInnerTexts()).toEqual(['Choose a station', 'Choose a kind', 'Choose a category', 'Enter a valid phone number']);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'after-filing-report-all-errors-en');
    expect(pageErrors.get(context)).toEqual([]);
    await context.close();
  });

  it('the public pages carry no developer text and use full-width colons in Chinese', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    for (const path of ['/', '/report', '/en/', '/en/report']) {
      await page.goto(path);
      const all = await text(page, 'body');
      expect(all, path).not.toMatch(/HOTLINE_PHONE|示例号码|sample number/);
      // The e2e server runs without HOTLINE_PHONE: no number is shown for it.
      expect(await page.locator('a[href^="tel:"]').count(), path).toBe(0);
    }
    await page.goto('/report');
    await page.fill('#phone', '1');
    await submit(page);
    // Chinese text never meets an ASCII colon.
    expect(await text(page, 'body')).not.toMatch(/[\u4e00-\u9fff]\s*:/);
    await context.close();
  });

  it('the console entry form marks its required fields and names every problem in one answer', async () => {
    const { context, page } = await signIn(browser, 'dispatcher@demo.test');
    await page.goto('/staff/new');
    // Six required fields (and the note that explains the mark), marked as the public form marks them.
    expect(await page.locator('#report-form .required').count()).toBe(7);
    for (const id of ['receivedAt', 'station', 'kind', 'category', 'description']) expect(await page.getAttribute(`#${id}`, 'aria-required'), id).toBe('true');

    await page.fill('#receivedAt', '');
    await page.fill('#phone', 'abc');
    await page.fill('#email', 'x@');
    expect(await submit(page)).toBe(400);
    const expected: Record<string, string> = {
      receivedAt: '请填写受理时间',
      station: '请选择车站',
      category: '请选择问题类别',
      description: '请填写问题描述',
      phone: '请输入有效的手机号码',
      email: '请输入有效的电子邮箱',
    };
    for (const [field, message] of Object.entries(expected)) expect(await text(page, `#${field}-error`), field).toContain(message);
    expect(await page.locator('.error-summary li a').count()).toBe(6);
    expect(await text(page, '.error-summary')).not.toMatch(API_NAMES);
    await screenshot(page, 'after-filing-staff-new-all-errors');
    expect(await seriousViolations(page)).toEqual([]);

    // A time received in the future is caught with the rest, not after it.
    await page.fill('#receivedAt', '2099-01-01T09:00');
    await page.fill('#phone', '');
    await page.fill('#email', '');
    expect(await submit(page)).toBe(400);
    expect(await text(page, '#receivedAt-error')).toContain('受理时间不能晚于现在');
    expect(await text(page, '#station-error')).toContain('请选择车站');
    expect(await page.inputValue('#receivedAt')).toBe('2099-01-01T09:00');

    const now = new Date(Date.now() + 8 * 3600_000 - 60_000).toISOString().slice(0, 16);
    await page.fill('#receivedAt', now);
    await page.selectOption('#station', 'TJ');
    await page.selectOption('#category', 'touting');
    await page.fill('#description', '来电反映出站口有人拉客');
    expect(await submit(page)).toBe(200);
    expect(new URL(page.url()).pathname).toMatch(/^\/staff\/cases\/[0-9a-f-]{36}$/);
    expect(pageErrors.get(context)).toEqual([]);
    await context.close();
  });

  it('shows a receipt only to the browser that filed; a made-up code gets a neutral page', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    for (const prefix of ['', '/en']) {
      const res = await page.goto(`${prefix}/report/done?code=K7M2QX9PRT`);
      expect(res?.status()).toBe(200);
      expect(await page.locator('#tracking-code').count()).toBe(0);
      expect(await page.locator('.receipt').count()).toBe(0);
      const body = await text(page, 'main');
      expect(body).not.toMatch(/K7M2Q/);
      expect(await page.locator('main a[href$="/status"]').count()).toBe(1);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, `after-filing-no-receipt-${prefix ? 'en' : 'zh'}`);
    }
    expect(await text(page, 'h1')).toBe('Checking a complaint');

    // The browser that files sees its receipt, in either language.
    const code = await fileComplaint(page, { description: '出租车调度站有人插队', phone: uniquePhone() });
    const grouped = `${code.slice(0, 5)}-${code.slice(5)}`;
    expect(await text(page, '#tracking-code')).toBe(grouped);
    expect(await text(page, '.facts dd')).toContain('24:00');
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`/en/report/done?code=${code}`);
    expect(await text(page, '#tracking-code')).toBe(grouped);
    // Another code in the same browser is still not a receipt.
    await page.goto('/report/done?code=K7M2QX9PRT');
    expect(await page.locator('#tracking-code').count()).toBe(0);

    // Another browser given the same link sees no receipt.
    const other = await newContext(browser, { javaScriptEnabled: false });
    const stranger = await other.newPage();
    await stranger.goto(`/report/done?code=${code}`);
    expect(await stranger.locator('#tracking-code').count()).toBe(0);
    expect(await text(stranger, 'main')).not.toContain(grouped);
    await other.close();
    await context.close();
  });

  it('wraps a long unbroken description: the queue, the case page and the status page stay 390 px wide on a phone', async () => {
    const phone = uniquePhone();
    const long = `https://example.com/${'A1B2C3D4E5'.repeat(60)}`;
    const citizen = await newContext(browser, { javaScriptEnabled: false });
    const code = await fileComplaint(await citizen.newPage(), { description: long, phone });

    const { context, page } = await signIn(browser, 'dispatcher@demo.test', MOBILE);
    expect(await page.locator(`#queue li[data-code="${code}"]`).count()).toBe(1);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(MOBILE.width);
    await screenshot(page, 'after-filing-queue-long-word-390');
    await Promise.all([page.waitForNavigation(), page.click(`#queue li[data-code="${code}"] h3 a`)]);
    expect(await text(page, '#description')).toContain('A1B2C3D4E5');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(MOBILE.width);
    await screenshot(page, 'after-filing-case-long-word-390');
    // On a desktop the queue keeps to the window too.
    await page.setViewportSize(DESKTOP);
    await page.goto('/staff');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(DESKTOP.width);
    await context.close();

    const status = await citizen.newPage();
    await status.goto(`/status?code=${code}`);
    await status.fill('#phone4', phone.slice(-4));
    expect(await submit(status)).toBe(200);
    expect(await scrollWidth(status)).toBeLessThanOrEqual(MOBILE.width);
    await citizen.close();
  });

  it('the rating page shows the rating and no form once the reply is rated', async () => {
    const phone = uniquePhone();
    const filing = await newContext(browser, { javaScriptEnabled: false });
    const code = await fileComplaint(await filing.newPage(), { description: '停车场收费不规范', category: 'parking', phone });
    await filing.close();
    await replyTo(code);

    const context = await newContext(browser);
    const page = await context.newPage();
    // A bare thank-you link is no receipt: the form is offered.
    await page.goto(`/rate?code=${code}&thanks=1`);
    expect(await text(page, 'h1')).toBe('评价答复');
    expect(await page.locator('#rate-form').count()).toBe(1);

    await page.fill('#phone4', phone.slice(-4));
    await page.check('input[name=satisfaction][value=basic]');
    await page.check('input[name=resolved][value=yes]');
    expect(await submit(page)).toBe(200);
    expect(await text(page, 'h1')).toBe('谢谢您的评价');
    expect(await text(page, '#recorded-rating')).toContain('基本满意');
    expect(await text(page, '#recorded-rating')).toContain('已解决');
    expect(await page.locator('#rate-form').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'after-filing-rate-thanks');

    // Coming back to the link from the survey text: the rating on record, not the form again.
    await page.goto(`/rate?code=${code}`);
    await page.fill('#phone4', phone.slice(-4));
    await page.check('input[name=satisfaction][value=dissatisfied]');
    await page.check('input[name=resolved][value=no]');
    expect(await submit(page)).toBe(409);
    expect(await text(page, '#rate-notice')).toContain('已评价');
    expect(await text(page, '#recorded-rating')).toContain('基本满意');
    expect(await page.locator('#rate-form').count()).toBe(0);
    expect(await page.locator('input[name=satisfaction]').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'after-filing-rate-already');

    // The same in English.
    await page.goto(`/en/rate?code=${code}`);
    await page.fill('#phone4', phone.slice(-4));
    await page.check('input[name=satisfaction][value=satisfied]');
    await page.check('input[name=resolved][value=yes]');
    expect(await submit(page)).toBe(409);
    expect(await text(page, '#recorded-rating')).toContain('Basically satisfied');
    expect(await page.locator('#rate-form').count()).toBe(0);
    expect(pageErrors.get(context)).toEqual([]);
    await context.close();
  });
});
