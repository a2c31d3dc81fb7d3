import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileComplaint, launch, newContext, pageErrors, screenshot, seriousViolations, skipReason, submit, text, uniquePhone } from './browser.ts';

/**
 * The whole life of a case through the site: a citizen files it, a dispatcher
 * signs in and assigns it, the handler acknowledges and replies, the citizen
 * reads the reply and rates it. Staff pages run with JavaScript on, the
 * citizen's with it off.
 */
const DESKTOP = { width: 1280, height: 900 };

async function signIn(browser: Browser, email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser, { viewport: DESKTOP });
  const page = await context.newPage();
  await page.goto('/staff');
  expect(new URL(page.url()).pathname).toBe('/staff/login');
  await page.fill('#email', email);
  await page.fill('#password', 'station-demo');
  expect(await submit(page)).toBe(200);
  expect(new URL(page.url()).pathname).toBe('/staff');
  return { context, page };
}

async function openCase(page: Page, code: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(`#queue li[data-code="${code}"] h3 a`)]);
  expect(new URL(page.url()).pathname).toMatch(/^\/staff\/cases\/[0-9a-f-]{36}$/);
}

describe.skipIf(Boolean(skipReason))('a case from filing to rating', () => {
  let browser: Browser;
  let code = '';
  const phone = uniquePhone();
  const replyText = '经核查，执法一科已在出站口加强巡查，对拉客人员进行了劝离和教育。感谢您的监督。';

  beforeAll(async () => {
    browser = await launch();
    const context = await newContext(browser, { javaScriptEnabled: false });
    code = await fileComplaint(await context.newPage(), { description: '出站口有人拉客揽客，跟着旅客走', location: 'exit', phone, name: '张先生' });
    await context.close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('refuses a wrong password and keeps the console behind sign-in', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto('/staff/cases/00000000-0000-4000-8000-000000000000');
    expect(new URL(page.url()).pathname).toBe('/staff/login');
    await page.fill('#email', 'dispatcher@demo.test');
    await page.fill('#password', 'wrong-password');
    expect(await submit(page)).toBe(401);
    expect(await text(page, '#login-error')).toContain('邮箱或密码不正确');
    expect(await page.inputValue('#email')).toBe('dispatcher@demo.test');
    await screenshot(page, 'staff-login-error');
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('an admin adds a department, which the admin screens then list, and edits its mailbox in its row', async () => {
    const { context, page } = await signIn(browser, 'admin@demo.test');
    await page.goto('/staff/admin?tab=departments');
    const code = `e2e_${Date.now().toString(36)}`;
    await page.fill('#a-code', 'Not A Code');
    await page.fill('#a-nameZh', '失物招领');
    await page.fill('#a-nameEn', 'Lost property');
    expect(await submit(page, '#admin-create button')).toBe(400);
    expect(await page.locator('#a-code-error').isVisible()).toBe(true);
    expect(await page.inputValue('#a-nameZh')).toBe('失物招领');
    await page.fill('#a-code', code);
    expect(await submit(page, '#admin-create button')).toBe(200);
    expect(await text(page, '#flash')).toContain('已保存');
    expect(await text(page, 'table')).toContain(code);
    // The seeded sections show their mailboxes; a bad address is refused beside its own field, a good one kept.
    expect(await page.inputValue('#mailbox-enf1')).toBe('zhifa1@tjzhan.example');
    const mailbox = `#mailbox-${code}`;
    await page.fill(mailbox, 'not-an-address');
    expect(await submit(page, `form:has(${mailbox}) button`)).toBe(400);
    expect(await text(page, `${mailbox}-error`)).toContain('有效的电子邮箱');
    expect(await page.inputValue(mailbox)).toBe('not-an-address');
    expect(await page.inputValue('#a-code')).toBe('');
    await page.fill(mailbox, 'lost.property@tjzhan.example');
    expect(await submit(page, `form:has(${mailbox}) button`)).toBe(200);
    expect(await page.inputValue(mailbox)).toBe('lost.property@tjzhan.example');
    await screenshot(page, 'staff-admin-departments');
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('an admin reads the dashboard, the outbox, the 2027 calendar and the deadline policies', async () => {
    const { context, page } = await signIn(browser, 'admin@demo.test');
    await page.goto('/staff/dashboard');
    expect(await text(page, 'h1')).toBe('督办看板');
    expect(await text(page, 'main ul.counts')).toContain('已超期');
    expect(await page.locator('#department-table tbody tr').count()).toBeGreaterThan(0);
    await page.goto('/staff/outbox');
    expect(await text(page, 'h1')).toBe('发送记录');
    expect(await text(page, '#outbox')).toContain('receipt');
    await page.goto('/staff/admin/calendar?year=2027');
    expect(await text(page, 'h1')).toBe('2027 年工作日历');
    expect(await text(page, '#calendar-status')).toMatch(/本年/);
    await page.goto('/staff/admin/policies');
    expect(await text(page, 'h1')).toBe('办理时限');
    expect(await text(page, '#policies')).toContain('基础：签收和首次联系');
    expect(pageErrors.get(context)).toEqual([]);
    await context.close();
  });

  /** A dispatcher finds the case in the queue, reveals the contact and assigns it. */
  async function dispatcherAssigns() {
    const { context, page } = await signIn(browser, 'dispatcher@demo.test');
    expect(await page.locator(`#queue li[data-code="${code}"]`).count()).toBe(1);
    expect(await text(page, `#queue li[data-code="${code}"]`)).toMatch(/剩余/);
    await screenshot(page, 'staff-queue');
    expect(await seriousViolations(page)).toEqual([]);

    await openCase(page, code);
    expect(await text(page, '#case-status')).toBe('已受理');
    expect(await text(page, 'main')).toContain('出站口有人拉客揽客');
    expect(await text(page, 'main')).not.toContain(phone);
    await submit(page, 'form:has(input[name=action][value=reveal]) button');
    expect(await text(page, '#revealed-contact')).toContain(phone.slice(-8));
    expect(await text(page, '#revealed-contact')).toContain('张先生');

    // Assign to 执法一科 (the handler's section).
    const lead = page.locator('#assign-leadDepartment');
    if ((await lead.evaluate((el) => el.tagName)) === 'SELECT') await lead.selectOption('enf1');
    else await lead.fill('enf1');
    await page.fill('#assign-note', '请执法一科核查出站口');
    await screenshot(page, 'staff-case-new');
    expect(await seriousViolations(page)).toEqual([]);
    expect(await submit(page, '#verb-assign button[type=submit]')).toBe(200);
    expect(new URL(page.url()).searchParams.get('done')).toBe('assign');
    expect(await text(page, '#flash')).toContain('派单');
    expect(await text(page, '#case-status')).toBe('已分派');
    expect(await text(page, '#lead-department')).toContain('执法一科');
    expect(await text(page, '#timeline')).toContain('查看联系方式');

    // Sign out: the console is closed again.
    await submit(page, '.whoami button');
    expect(new URL(page.url()).pathname).toBe('/staff/login');
    await page.goto('/staff');
    expect(new URL(page.url()).pathname).toBe('/staff/login');
    await context.close();
  }

  /** The handler acknowledges, is stopped by the confirmation, then replies. */
  async function handlerReplies() {
    const { context, page } = await signIn(browser, 'handler@demo.test');
    await openCase(page, code);
    expect(await submit(page, '#verb-acknowledge button[type=submit]')).toBe(200);
    expect(await text(page, '#case-status')).toBe('办理中');

    await page.fill('#reply-text', replyText);
    expect(await submit(page, '#verb-reply button[type=submit]')).toBe(400);
    expect(await text(page, '#reply-confirm-error')).toContain('请先勾选确认');
    expect(await page.inputValue('#reply-text')).toBe(replyText);
    await screenshot(page, 'staff-case-reply-error');

    await page.check('#reply-confirm');
    expect(await submit(page, '#verb-reply button[type=submit]')).toBe(200);
    expect(await text(page, '#case-status')).toBe('已答复');
    await screenshot(page, 'staff-case-replied');
    expect(pageErrors.get(context)).toEqual([]);
    await context.close();
  }

  /** The citizen reads the reply and rates it, once. */
  async function citizenRates() {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`/status?code=${code}`);
    await page.fill('#phone4', phone.slice(-4));
    expect(await submit(page)).toBe(200);
    expect(await text(page, '#result')).toContain('已答复');
    expect(await text(page, '#reply-text')).toBe(replyText);
    expect(await text(page, '#result .timeline')).toContain('承办科室签收');
    await screenshot(page, 'status-replied-zh');

    await page.check('input[name=satisfaction][value=satisfied]');
    await page.check('input[name=resolved][value=yes]');
    await page.fill('#comment', '处理及时');
    expect(await submit(page, '#result button[type=submit]')).toBe(200);
    const url = new URL(page.url());
    expect(url.pathname).toBe('/rate');
    expect(url.searchParams.get('thanks')).toBe('1');
    expect(await text(page, 'h1')).toBe('谢谢您的评价');
    await screenshot(page, 'rate-thanks-zh');

    // Rating again is refused with the reason.
    await page.goto(`/rate?code=${code}`);
    await page.fill('#phone4', phone.slice(-4));
    await page.check('input[name=satisfaction][value=basic]');
    await page.check('input[name=resolved][value=yes]');
    expect(await submit(page)).toBe(409);
    expect(await text(page, '#rate-notice')).toContain('已评价');

    await page.goto(`/status?code=${code}`);
    await page.fill('#phone4', phone.slice(-4));
    await submit(page);
    expect(await text(page, '#result')).toContain('您已评价过本次答复');
    await context.close();
  }

  it('goes from filing to assignment, acknowledgement, reply and rating', async () => {
    await dispatcherAssigns();
    await handlerReplies();
    await citizenRates();
  });
});
