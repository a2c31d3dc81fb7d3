import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, fileComplaint, launch, newContext, screenshot, seriousViolations, staffSignIn as signIn, skipReason, staffApi, submit, text, uniquePhone } from './browser.ts';

/**
 * The staff console after filing (issue #18): deadline policies that cannot
 * tie, can be edited and ask before being switched off, with their clocks
 * told as people say them; a case flagged by a dissatisfied rating badged in
 * the queue and on the case, its timeline worded; the pending-extension count
 * a link to a filtered queue; merged codes with their dash, linked; and a
 * workflow form's errors all at once, in words. The forms are used with
 * JavaScript off; axe runs with it on.
 */
/** API field names a person should never read in a message. */
const API_NAMES = /\b(text|version|confirm|reason|newDueAt|leadDepartment|into)\b/;

type Api = Awaited<ReturnType<typeof staffApi>>;

async function findCase(api: Api, code: string): Promise<{ id: string; version: number; extensionLatestDueAt: string | null }> {
  const queue = await api<{ items: Array<{ id: string; trackingCode: string }> }>(`/api/staff/cases?q=${code}&status=new,assigned,in_progress,replied,closed,merged`);
  const item = queue.items.find((i) => i.trackingCode === code);
  if (!item) throw new Error(`case ${code} is not in the queue`);
  return { id: item.id, ...(await api<{ version: number; extensionLatestDueAt: string | null }>(`/api/staff/cases/${item.id}`)) };
}

/** Files a complaint (JavaScript off) and has 执法一科 acknowledge it: in progress, with the handler. */
async function inProgress(browser: Browser, description: string, phone = uniquePhone()): Promise<{ code: string; id: string; phone: string }> {
  const filing = await newContext(browser, { javaScriptEnabled: false });
  const code = await fileComplaint(await filing.newPage(), { description, category: 'touting', phone });
  await filing.close();
  const dispatcher = await staffApi('dispatcher@demo.test');
  const found = await findCase(dispatcher, code);
  await dispatcher(`/api/staff/cases/${found.id}/assign`, { version: found.version, leadDepartment: 'enf1' });
  const handler = await staffApi('handler@demo.test');
  const { version } = await findCase(handler, code);
  await handler(`/api/staff/cases/${found.id}/acknowledge`, { version });
  return { code, id: found.id, phone };
}

/** The row of the policies table named exactly this; its cells are scope, acknowledge, contact, reply, status, actions. */
const policyRow = (page: Page, name: string) => page.locator('#policies tbody tr', { has: page.locator('th', { hasText: new RegExp(`^${name.replace(/[()（）]/g, '\\$&')}$`) }) });
const ACK = 1;
const REPLY = 3;
const STATUS = 4;

/** The visible text of a located element, whitespace collapsed. */
async function seen(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: visible text is the point
  return (await locator.first().innerText()).replace(/\s+/g, ' ').trim();
}

describe.skipIf(Boolean(skipReason))('the console after filing', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('deadline policies: a tie is refused naming the other, a policy is edited, switching one off asks first (JavaScript off)', async () => {
    const { context, page } = await signIn(browser, 'admin@demo.test', { javaScriptEnabled: false });
    await page.goto('/staff/admin/policies');
    // Names in the console's language, clocks as people say them: the red clock's 0.25 hours are 15 minutes.
    expect(await text(page, '#policies')).toContain('基础：签收和首次联系');
    expect(await seen(policyRow(page, '红色（领导包案）').locator('td').nth(ACK))).toBe('15 分钟');
    expect(await text(page, '#policies')).not.toMatch(/0\.25|Base: |Complaint/);
    expect(await seen(policyRow(page, '咨询').locator('td').nth(REPLY))).toBe('1 个工作日');

    // A scope of its own (意见箱 suggestions about parking), so no other test's cases change.
    const addPolicy = async (name: string, amount: string) => {
      await page.fill('#p-name', name);
      await page.selectOption('#p-channel', 'box');
      await page.selectOption('#p-kind', 'suggestion');
      await page.selectOption('#p-category', 'parking');
      await page.fill('#p-replyAmount', amount);
      await page.selectOption('#p-replyUnit', 'working_days');
      return submit(page, '#policy-form button[type=submit]');
    };
    expect(await addPolicy('意见箱停车建议', '5')).toBe(200);
    expect(await text(page, '#flash')).toBe('已新增规则。');
    expect(await seen(policyRow(page, '意见箱停车建议').locator('td').nth(REPLY))).toBe('5 个工作日');

    // The same scope and clock again: refused, naming the policy it ties with, and nothing saved.
    expect(await addPolicy('意见箱停车建议（三天）', '3')).toBe(409);
    const refusal = await text(page, '#policy-error');
    expect(refusal).toContain('未能保存');
    expect(refusal).toContain('“意见箱停车建议”');
    expect(refusal).toContain('只会有一条生效');
    expect(await page.inputValue('#p-name')).toBe('意见箱停车建议（三天）');
    expect(await policyRow(page, '意见箱停车建议（三天）').count()).toBe(0);
    await screenshot(page, 'console-policy-tie');

    // The refusal links to the other policy's edit form; edit it there.
    await Promise.all([page.waitForNavigation(), page.click('#policy-error a[href*="edit="]')]);
    expect(await text(page, '#policy-form-title')).toBe('编辑规则：意见箱停车建议');
    expect(await page.inputValue('#p-replyAmount')).toBe('5');
    expect(await page.inputValue('#p-channel')).toBe('box');
    await page.fill('#p-name', '意见箱停车建议（两天）');
    await page.fill('#p-replyAmount', '2');
    await page.selectOption('#p-ackUnit', 'hours');
    await page.fill('#p-ackAmount', '0.5');
    expect(await submit(page, '#policy-form button[type=submit]')).toBe(200);
    expect(await text(page, '#flash')).toBe('已保存修改。');
    const edited = policyRow(page, '意见箱停车建议（两天）');
    expect(await edited.count()).toBe(1);
    expect(await seen(edited.locator('td').nth(ACK))).toBe('30 分钟');
    expect(await seen(edited.locator('td').nth(REPLY))).toBe('2 个工作日');
    // Edited in place: the old name is gone, no second policy was added.
    expect(await policyRow(page, '意见箱停车建议').count()).toBe(0);

    // A bad edit names every problem at once, in words.
    await Promise.all([page.waitForNavigation(), edited.locator('a', { hasText: '编辑' }).click()]);
    await page.fill('#p-name', '');
    await page.fill('#p-contactAmount', '3');
    await page.fill('#p-replyAmount', '');
    expect(await submit(page, '#policy-form button[type=submit]')).toBe(400);
    const problems = await text(page, '#policy-error');
    expect(problems).toContain('请填写规则名称');
    expect(problems).toContain('请选择首次联系时限的单位');
    expect(problems).toContain('请填写答复时限的数量');

    // Switching off asks first; without the box ticked nothing changes.
    await page.goto('/staff/admin/policies');
    await Promise.all([page.waitForNavigation(), edited.locator('a', { hasText: '停用' }).click()]);
    expect(await text(page, '#confirm-off')).toContain('停用规则“意见箱停车建议（两天）”？');
    expect(await submit(page, '#confirm-off button[type=submit]')).toBe(400);
    expect(await text(page, '#p-confirm-error')).toContain('请勾选确认后再停用');
    expect(await seen(policyRow(page, '意见箱停车建议（两天）').locator('td').nth(STATUS))).toBe('启用');
    await page.check('#p-confirm');
    expect(await submit(page, '#confirm-off button[type=submit]')).toBe(200);
    expect(await seen(policyRow(page, '意见箱停车建议（两天）').locator('td').nth(STATUS))).toBe('停用');
    await context.close();

    // axe on the policies page with its confirmation and a refusal shown.
    const js = await signIn(browser, 'admin@demo.test');
    await js.page.goto('/staff/admin/policies?off=1#confirm-off');
    expect(await js.page.locator('#confirm-off').count()).toBe(1);
    expect(await seriousViolations(js.page)).toEqual([]);
    await screenshot(js.page, 'console-policy-confirm-off');
    await js.context.close();
  });

  it('a dissatisfied rating badges the case in the queue and on its page, with its timeline in words', async () => {
    const { code, id, phone } = await inProgress(browser, '出站口有人拉客，已多次反映');
    const handler = await staffApi('handler@demo.test');
    const { version } = await findCase(handler, code);
    await handler(`/api/staff/cases/${id}/reply`, { version, text: '经核查，已加强巡查。' });
    const rated = await fetch(`${baseUrl}/api/cases/${code}/evaluation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone4: phone.slice(-4), satisfaction: 'dissatisfied', resolved: false }),
    });
    expect(rated.status).toBe(201);

    const { context, page } = await signIn(browser, 'dispatcher@demo.test');
    const quick = page.locator('.counts a', { hasText: '待复核（不满意）' });
    await Promise.all([page.waitForNavigation(), quick.click()]);
    expect(new URL(page.url()).searchParams.get('flagged')).toBe('true');
    const row = page.locator(`#queue li[data-code="${code}"]`);
    expect(await row.count()).toBe(1);
    // The badge is words, not a colour.
    expect(await seen(row.locator('.badge.flagged'))).toBe('不满意待复核');
    for (const other of await page.locator('#queue li').all()) expect(await other.locator('.badge.flagged').count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);

    await Promise.all([page.waitForNavigation(), row.locator('h3 a').click()]);
    expect(await text(page, '#case-flagged')).toBe('不满意待复核');
    expect(await text(page, '#flagged-note')).toContain('评价不满意');
    // The review promised to the citizen (DISSATISFIED_REVIEW_DAYS) is in front of the office too.
    expect(await text(page, '#flagged-note')).toMatch(/已告知市民在 \d{4}年\d{1,2}月\d{1,2}日.* 前复核/);
    expect(await text(page, '#timeline')).toContain('复核期限：');
    const timeline = await text(page, '#timeline');
    expect(timeline).toContain('评价不满意，待复核 · 市民');
    expect(timeline).not.toMatch(/\bdissatisfied\b/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'console-flagged-case');
    await context.close();
  });

  it('the pending-extension count links to the queue of cases waiting for a decision', async () => {
    const waiting = await inProgress(browser, '候车厅空调不制冷');
    const other = await inProgress(browser, '候车厅座椅损坏');
    const handler = await staffApi('handler@demo.test');
    const found = await findCase(handler, waiting.code);
    expect(found.extensionLatestDueAt).not.toBeNull();
    await handler(`/api/staff/cases/${waiting.id}/extend`, { version: found.version, reason: '需厂家上门维修', newDueAt: found.extensionLatestDueAt });

    const { context, page } = await signIn(browser, 'supervisor@demo.test', { javaScriptEnabled: false });
    const link = page.locator('.counts a', { hasText: '待审批延期' });
    expect(await link.count()).toBe(1);
    await Promise.all([page.waitForNavigation(), link.click()]);
    expect(new URL(page.url()).searchParams.get('pendingExtension')).toBe('true');
    expect(await page.locator(`#queue li[data-code="${waiting.code}"]`).count()).toBe(1);
    expect(await page.locator(`#queue li[data-code="${other.code}"]`).count()).toBe(0);
    expect(await page.getAttribute('.counts a[href*="pendingExtension"]', 'aria-current')).toBe('true');
    // The filter form keeps the choice.
    expect(await page.isChecked('input[name=pendingExtension]')).toBe(true);

    // The supervisors' dashboard counts them too, and its count leads to the same queue.
    await page.goto('/staff/dashboard');
    const tile = page.locator('main a', { hasText: '待审批延期' });
    expect(await tile.count()).toBe(1);
    await Promise.all([page.waitForNavigation(), tile.click()]);
    expect(new URL(page.url()).searchParams.get('pendingExtension')).toBe('true');
    expect(await page.locator(`#queue li[data-code="${waiting.code}"]`).count()).toBe(1);
    await context.close();
  });

  it('a merged case shows its main case’s code with the dash, as a link to it', async () => {
    const main = await inProgress(browser, '出站口出租车排队混乱');
    const filing = await newContext(browser, { javaScriptEnabled: false });
    const duplicate = await fileComplaint(await filing.newPage(), { description: '出站口出租车排队很乱', category: 'touting', phone: uniquePhone() });
    await filing.close();
    const dispatcher = await staffApi('dispatcher@demo.test');
    const dup = await findCase(dispatcher, duplicate);
    await dispatcher(`/api/staff/cases/${dup.id}/merge`, { version: dup.version, into: main.code });

    const { context, page } = await signIn(browser, 'dispatcher@demo.test', { javaScriptEnabled: false });
    await page.goto(`/staff/cases/${dup.id}`);
    const dashed = `${main.code.slice(0, 5)}-${main.code.slice(5)}`;
    expect(await text(page, '#merged-into')).toBe(dashed);
    expect(await text(page, '#timeline')).toContain(`主件：${dashed}`);
    await Promise.all([page.waitForNavigation(), page.click('#merged-into')]);
    expect(new URL(page.url()).pathname).toBe(`/staff/cases/${main.id}`);
    // The main case's timeline links back to the duplicate the same way.
    const back = page.locator('#timeline a', { hasText: `${duplicate.slice(0, 5)}-${duplicate.slice(5)}` });
    expect(await back.count()).toBe(1);
    await context.close();
  });

  it('a workflow form names every problem at once, in words, never by the API’s field names (JavaScript off)', async () => {
    const { id } = await inProgress(browser, '进站安检排队过长');
    const { context, page } = await signIn(browser, 'handler@demo.test', { javaScriptEnabled: false });
    await page.goto(`/staff/cases/${id}`);
    // The reply with no text and the confirmation unticked: both said in one answer.
    expect(await submit(page, '#verb-reply button[type=submit]')).toBe(400);
    const summary = await text(page, '#action-error');
    expect(summary).toContain('答复市民未完成');
    expect(summary).toContain('请填写答复内容');
    expect(summary).toContain('请先勾选确认');
    expect(summary).not.toMatch(API_NAMES);
    expect(summary).not.toContain('请检查：');
    expect(await text(page, '#reply-text-error')).toContain('请填写答复内容');

    // An extension without a reason or a date: both fields named.
    await page.click('#verb-extend summary');
    expect(await submit(page, '#verb-extend button[type=submit]')).toBe(400);
    const extension = await text(page, '#action-error');
    expect(extension).toContain('请填写延期理由');
    expect(extension).toContain('请选择新的答复期限');
    expect(extension).not.toMatch(API_NAMES);
    await context.close();

    const js = await signIn(browser, 'handler@demo.test');
    await js.page.goto(`/staff/cases/${id}`);
    expect(await submit(js.page, '#verb-reply button[type=submit]')).toBe(400);
    expect(await seriousViolations(js.page)).toEqual([]);
    await screenshot(js.page, 'console-verb-errors');
    await js.context.close();
  });
});
