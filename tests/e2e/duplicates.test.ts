import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileComplaint, launch, newContext, pageErrors, screenshot, seriousViolations, skipReason, submit, text, uniquePhone } from './browser.ts';

/**
 * Duplicates (#17) on a phone-sized screen: a case in triage shows its likely
 * duplicates (same station, recent, alike in words, the same place first) and
 * is merged into one of them in one action (合并到此件), a plain form post;
 * axe finds nothing serious on the page with its candidates.
 */
describe.skipIf(Boolean(skipReason))('duplicates in triage', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
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
