import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileComplaint, launch, newContext, pageErrors, screenshot, seriousViolations, skipReason, staffApi, submit, text, uniquePhone } from './browser.ts';

/**
 * After filing, two paths that used to end nowhere (#18): a traveler whose
 * report was merged into an earlier one follows that case with their own code
 * and digits (its status, timeline and reply, said to be merged, never its
 * code), and a dissatisfied rating says what happens next under the office's
 * DISSATISFIED_ACTION (the e2e server runs the default: flag for review within
 * DISSATISFIED_REVIEW_DAYS working days), on the thank-you page, on a second
 * try, and on the status page's timeline. Pages work without JavaScript; axe
 * runs on every new state in both languages.
 */
const REPLY = '经核查，出站口拉客人员已劝离，已安排每日巡查。';

type StaffApi = Awaited<ReturnType<typeof staffApi>>;

/** The case's id and version, found by its tracking code in the queue. */
async function findCase(api: StaffApi, code: string): Promise<{ id: string; version: number }> {
  const queue = await api<{ items: Array<{ id: string; trackingCode: string }> }>(`/api/staff/cases?q=${code}`);
  const item = queue.items.find((i) => i.trackingCode === code);
  if (!item) throw new Error(`case ${code} is not in the queue`);
  const detail = await api<{ version: number }>(`/api/staff/cases/${item.id}`);
  return { id: item.id, version: detail.version };
}

/** The dispatcher merges the duplicate into the main case; the main case is assigned, acknowledged and answered. */
async function mergeAndReply(main: string, duplicate: string): Promise<void> {
  const dispatcher = await staffApi('dispatcher@demo.test');
  const dup = await findCase(dispatcher, duplicate);
  await dispatcher(`/api/staff/cases/${dup.id}/merge`, { version: dup.version, into: main });
  const found = await findCase(dispatcher, main);
  await dispatcher(`/api/staff/cases/${found.id}/assign`, { version: found.version, leadDepartment: 'enf1' });
  const handler = await staffApi('handler@demo.test');
  let { version } = await findCase(handler, main);
  ({ version } = await handler<{ version: number }>(`/api/staff/cases/${found.id}/acknowledge`, { version }));
  await handler(`/api/staff/cases/${found.id}/reply`, { version, text: REPLY });
}

async function openStatus(page: Page, prefix: string, code: string, phone: string): Promise<number> {
  await page.goto(`${prefix}/status`);
  await page.fill('#code', code);
  await page.fill('#phone4', phone.slice(-4));
  return submit(page);
}

describe.skipIf(Boolean(skipReason))('a merged report and a dissatisfied rating', () => {
  let browser: Browser;
  const mainPhone = uniquePhone();
  const followerPhone = uniquePhone();
  let main = '';
  let follower = '';

  beforeAll(async () => {
    browser = await launch();
    const context = await newContext(browser);
    const page = await context.newPage();
    main = await fileComplaint(page, { description: '南广场出站口有人拉客，要价很高', phone: mainPhone });
    follower = await fileComplaint(page, { description: '出站口又有人拉客揽客', phone: followerPhone });
    await context.close();
    await mergeAndReply(main, follower);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the merged traveler follows the main case with their own code and digits, without JavaScript, in both languages', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    expect(await openStatus(page, '', follower, followerPhone)).toBe(200);
    expect(await text(page, '#merged-notice')).toMatch(/您反映的问题已于 .+ 与之前受理的同一问题投诉合并办理/);
    expect(await text(page, '#result-title')).toContain('已答复');
    expect(await text(page, '#reply-text')).toBe(REPLY);
    expect(await text(page, '#rate-title')).toBe('评价本次答复');
    const body = await text(page, 'main');
    // The main case's code is its own reporter's.
    expect(body).not.toContain(main);
    expect(body).not.toContain(`${main.slice(0, 5)}-${main.slice(5)}`);
    expect(body).toContain('与同一问题的投诉合并办理');
    await screenshot(page, 'status-merged-zh');
    // The main code with the follower's digits opens nothing.
    expect(await openStatus(page, '', main, followerPhone)).toBe(404);
    expect(await openStatus(page, '/en', follower, followerPhone)).toBe(200);
    expect(await text(page, '#merged-notice')).toMatch(/On .+ your report was merged with an earlier report of the same problem/);
    expect(await text(page, '#reply-text')).toBe(REPLY);
    await screenshot(page, 'status-merged-en');
    expect(pageErrors.get(context)).toEqual([]);
    await context.close();
  });

  it('a dissatisfied rating says the office reviews the case by a date, on the thank-you page, on a second try and on the status page', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    expect(await openStatus(page, '', follower, followerPhone)).toBe(200);
    await page.check('input[name=satisfaction][value=dissatisfied]');
    await page.check('input[name=resolved][value=no]');
    expect(await submit(page, '#rate-title ~ form button[type=submit]')).toBe(200);
    expect(new URL(page.url()).searchParams.get('thanks')).toBe('1');
    expect(await text(page, '#rate-next')).toMatch(/^接下来 办公室将在 \d{4}年\d{1,2}月\d{1,2}日（周.）24:00 前复核这件投诉的办理情况/);
    const promised = /办公室将在 (.+?) 前复核/.exec(await text(page, '#rate-next'))![1]!;
    await screenshot(page, 'rate-dissatisfied-zh');

    // A second try: the rating on record, and what it led to.
    await page.goto(`/rate?code=${follower}`);
    await page.fill('#phone4', followerPhone.slice(-4));
    await page.check('input[name=satisfaction][value=satisfied]');
    await page.check('input[name=resolved][value=yes]');
    expect(await submit(page)).toBe(409);
    expect(await text(page, '#rate-next')).toContain(`办公室将在 ${promised} 前复核`);

    // The status page's timeline shows the review and its date, to the follower and to the main case's reporter.
    for (const [code, phone] of [
      [follower, followerPhone],
      [main, mainPhone],
    ]) {
      expect(await openStatus(page, '', code!, phone!)).toBe(200);
      const last = await text(page, '.timeline li:last-child');
      expect(last).toContain('评价不满意，办公室复核办理情况');
      expect(last).toContain(`复核期限：${promised}`);
    }
    await screenshot(page, 'status-flagged-zh');
    expect(await openStatus(page, '/en', follower, followerPhone)).toBe(200);
    expect(await text(page, '.timeline li:last-child')).toMatch(/Rated dissatisfied: the office reviews how the case was handled Review by end of \w{3} \d{1,2} \w{3} \d{4}/);
    expect(pageErrors.get(context)).toEqual([]);
    await context.close();
  });

  it('has no serious or critical axe violations on these states, in Chinese and in English', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const failures: string[] = [];
    const check = async (what: string) => {
      for (const v of await seriousViolations(page)) failures.push(`${what}: ${v}`);
    };
    for (const prefix of ['', '/en']) {
      expect(await openStatus(page, prefix, follower, followerPhone)).toBe(200);
      expect(await page.locator('#merged-notice').count()).toBe(1);
      await check(`${prefix}/status of a merged report`);
      await page.goto(`${prefix}/rate?code=${follower}`);
      await page.fill('#phone4', followerPhone.slice(-4));
      await page.check('input[name=satisfaction][value=basic]');
      await page.check('input[name=resolved][value=yes]');
      expect(await submit(page)).toBe(409);
      expect(await page.locator('#rate-next').count()).toBe(1);
      await check(`${prefix}/rate, rated dissatisfied, what happens next`);
      await screenshot(page, `rate-next-${prefix ? 'en' : 'zh'}`);
    }
    expect(failures).toEqual([]);
    await context.close();
  });
});
