import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, fileComplaint, launch, newContext, pageErrors, screenshot, seriousViolations, skipReason, submit, text, uniquePhone } from './browser.ts';

/**
 * Duplicates (#17) on a phone-sized screen. While filing, a traveler learns how
 * many open reports of that kind the office handles at that place (counts, never
 * words) and joins the earliest as a supporter: without JavaScript through the
 * form's check button and a choice page, with it inline. A case in triage shows its likely
 * duplicates (same station, recent, alike in words, the same place first) and
 * is merged into one of them in one action (合并到此件), a plain form post;
 * axe finds nothing serious on the page with its candidates.
 */
describe.skipIf(Boolean(skipReason))('duplicates while filing and in triage', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('joins an open report at the same place as a supporter, without JavaScript and with it', async () => {
    const stamp = Date.now().toString(36);
    const where = { station: 'TJN', location: 'metro_transfer', category: 'accessibility' };
    const setup = await newContext(browser);
    const mainWords = `换乘通道的无障碍电梯停用了，轮椅上不去 ${stamp}`;
    const main = await fileComplaint(await setup.newPage(), { ...where, description: mainWords, phone: uniquePhone() });
    await setup.close();

    // Without JavaScript: the check button, then a page of counts and two buttons.
    const plain = await newContext(browser, { javaScriptEnabled: false });
    const page = await plain.newPage();
    const phone = uniquePhone();
    await page.goto('/report');
    await page.selectOption('#station', where.station);
    await page.selectOption('#location', where.location);
    await page.selectOption('#kind', 'complaint');
    await page.selectOption('#category', where.category);
    await page.fill('#description', `电梯坏了，推婴儿车只能走楼梯 ${stamp}`);
    await page.fill('#phone', phone);
    expect(await submit(page, '#same-check')).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/report');
    expect(await text(page, '#same-problem h2')).toBe('这个地点已有同类问题正在办理');
    expect(await text(page, '#same-counts')).toMatch(/：\d+ 件/);
    // Counts only: the other traveler's words are not on the page.
    expect(await text(page, 'main')).not.toContain('轮椅');
    expect(await page.content()).not.toContain(mainWords);
    await screenshot(page, 'duplicates-same-problem-phone');
    expect(await submit(page, '#same-join')).toBe(200);
    const done = new URL(page.url());
    expect(done.pathname).toBe('/report/done');
    expect(done.searchParams.get('joined')).toBe('1');
    const code = done.searchParams.get('code')!;
    expect(code).not.toBe(main);
    expect(await text(page, '#joined')).toContain('支持者');
    const followed = (await (await fetch(`${baseUrl}/api/cases/${code}?phone4=${phone.slice(-4)}`)).json()) as { trackingCode: string; merged?: unknown };
    expect(followed.trackingCode).toBe(code);
    expect(followed.merged).toBeDefined();
    expect(pageErrors.get(plain)).toEqual([]);
    await plain.close();

    // With JavaScript: the counts appear once the three are chosen, and a tick joins.
    const scripted = await newContext(browser);
    const js = await scripted.newPage();
    const phone2 = uniquePhone();
    await js.goto('/report');
    expect(await js.locator('#same-check').isVisible()).toBe(false);
    await js.selectOption('#station', where.station);
    await js.selectOption('#location', where.location);
    await js.selectOption('#kind', 'complaint');
    await js.selectOption('#category', where.category);
    await js.locator('#same-live-count').waitFor();
    expect(await text(js, '#same-live-count')).toContain('正在办理');
    expect(await js.content()).not.toContain(mainWords);
    expect(await seriousViolations(js)).toEqual([]);
    await js.check('#same-join-inline');
    await js.fill('#description', `无障碍电梯不能用 ${stamp}`);
    await js.fill('#phone', phone2);
    expect(await submit(js)).toBe(200);
    const jsDone = new URL(js.url());
    expect(jsDone.pathname).toBe('/report/done');
    expect(jsDone.searchParams.get('joined')).toBe('1');
    expect(await seriousViolations(js)).toEqual([]);

    // The choice page itself under axe (JavaScript on, the check button shown as without it).
    await js.goto('/report');
    await js.selectOption('#station', where.station);
    await js.selectOption('#location', where.location);
    await js.selectOption('#kind', 'complaint');
    await js.selectOption('#category', where.category);
    await js.fill('#description', `电梯 ${stamp}`);
    await js.fill('#phone', uniquePhone());
    await js.evaluate(() => {
      document.getElementById('same-check')!.hidden = false;
    });
    expect(await submit(js, '#same-check')).toBe(200);
    expect(await js.locator('#same-problem').count()).toBe(1);
    expect(await seriousViolations(js)).toEqual([]);
    // Filing anyway stays one click away.
    expect(await submit(js, '#same-new')).toBe(200);
    const fresh = new URL(js.url());
    expect(fresh.pathname).toBe('/report/done');
    expect(fresh.searchParams.get('joined')).toBeNull();
    expect(pageErrors.get(scripted)).toEqual([]);
    await scripted.close();

    // Staff see the supporters on the main case's timeline, each under their own code.
    const office = await newContext(browser, { javaScriptEnabled: false });
    const staff = await office.newPage();
    await staff.goto('/staff');
    await staff.fill('#email', 'dispatcher@demo.test');
    await staff.fill('#password', 'station-demo');
    expect(await submit(staff)).toBe(200);
    await staff.goto(`/staff/cases/code/${main}`);
    const timeline = (await text(staff, '#timeline')).replace(/[\s-]/g, '');
    expect(timeline).toContain(`支持者（市民提交时加入同一问题）：${code}`);
    expect(timeline).toContain(jsDone.searchParams.get('code')!);
    await office.close();
  });

  it('shows a new case’s likely duplicates, and merges it into one in one action', async () => {
    const filing = await newContext(browser);
    const traveler = await filing.newPage();
    const stamp = Date.now().toString(36);
    const where = { station: 'BJN', location: 'north_square', category: 'touting' };
    const main = await fileComplaint(traveler, { ...where, description: `北广场出站口有人拉客，车牌京B·8K2Q1，说去市区一百块 ${stamp}`, phone: uniquePhone() });
    const other = await fileComplaint(traveler, { ...where, description: `北广场的自动售票机坏了两台，排队很长 ${stamp}`, phone: uniquePhone() });
    const dup = await fileComplaint(traveler, { ...where, description: `京B8K2Q1 这辆车的司机在北广场出站口拉客，开价一百 ${stamp}`, phone: uniquePhone() });
    await filing.close();

    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/staff');
    await page.fill('#email', 'dispatcher@demo.test');
    await page.fill('#password', 'station-demo');
    expect(await submit(page)).toBe(200);
    await page.goto(`/staff/cases/code/${dup}`);
    expect(new URL(page.url()).pathname).toMatch(/^\/staff\/cases\/[0-9a-f-]{36}$/);

    const items = page.locator('#candidate-list > li');
    const codes = await items.locator('a.spelled').allInnerTexts();
    const plain = codes.map((c) => c.replace(/[\s-]/g, ''));
    // The same car at the same place first; the ticket machines, if shown at all, below it.
    expect(plain[0]).toBe(main);
    if (plain.includes(other)) expect(plain.indexOf(other)).toBeGreaterThan(0);
    expect(await text(page, '#candidate-list > li:first-child')).toContain('同一地点');
    expect(await text(page, '#candidate-list > li:first-child .description')).toContain('京B·8K2Q1');
    // The merge form offers the candidates as choices too.
    expect(await page.locator('#merge-into-candidates option').first().getAttribute('value')).toBe(main);
    await screenshot(page, 'duplicates-candidates-phone');

    expect(await submit(page, '#candidate-list > li:first-child button')).toBe(200);
    expect(await text(page, '#flash')).toContain('合并为重复件');
    expect(await text(page, '#case-status')).toBe('已合并');
    expect((await text(page, '#merged-into')).replace(/[\s-]/g, '')).toBe(main);
    // Merged: no longer in triage, so no candidates.
    expect(await page.locator('#candidates').count()).toBe(0);
    expect(pageErrors.get(context)).toEqual([]);
    await context.close();

    // axe needs JavaScript on: the main case, itself in triage, with its candidates.
    const checked = await newContext(browser);
    const staffPage = await checked.newPage();
    await staffPage.goto('/staff');
    await staffPage.fill('#email', 'dispatcher@demo.test');
    await staffPage.fill('#password', 'station-demo');
    expect(await submit(staffPage)).toBe(200);
    await staffPage.goto(`/staff/cases/code/${other}`);
    expect(await staffPage.locator('#candidates').count()).toBe(1);
    expect(await seriousViolations(staffPage)).toEqual([]);
    expect(pageErrors.get(checked)).toEqual([]);
    await checked.close();
  });
});
