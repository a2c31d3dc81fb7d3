import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileComplaint, launch, newContext, screenshot, seriousViolations, skipReason, submit, uniquePhone } from './browser.ts';

/**
 * axe-core on every public page, in Chinese and in English (the two run at
 * once), in each state a visitor can meet: forms fresh and with errors, a
 * receipt, a case found, a rating refused, the 404. No serious or critical
 * violation may remain.
 */
describe.skipIf(Boolean(skipReason))('accessibility of the public pages', () => {
  let browser: Browser;
  let code = '';
  const phone = uniquePhone();
  beforeAll(async () => {
    browser = await launch();
    const context = await newContext(browser);
    code = await fileComplaint(await context.newPage(), { description: '停车场收费不规范', category: 'parking', phone });
    await context.close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const prefix of ['', '/en']) {
    it.concurrent(`has no serious or critical violations under ${prefix || '/'} (${prefix ? 'English' : 'Chinese'})`, async () => {
      const context = await newContext(browser);
      const page = await context.newPage();
      const failures: string[] = [];
      const check = async (what: string) => {
        for (const v of await seriousViolations(page)) failures.push(`${what}: ${v}`);
      };
      const paths = ['/', '/report', `/report/done?code=${code}`, '/status', '/stats', '/no-such-page'];
      for (const path of paths) {
        const res = await page.goto(`${prefix}${path}`);
        expect(res?.status(), `${prefix}${path}`).toBe(path === '/no-such-page' ? 404 : 200);
        await check(`${prefix}${path}`);
        if (path === '/' || path === '/stats') await screenshot(page, `${path === '/' ? 'home' : 'stats'}-${prefix ? 'en' : 'zh'}`);
      }
      await page.goto(`${prefix}/report`);
      await page.fill('#phone', '1');
      expect(await submit(page)).toBe(400);
      await check(`${prefix}/report with errors`);
      await page.goto(`${prefix}/status?code=${code}`);
      await page.fill('#phone4', phone.slice(-4));
      expect(await submit(page)).toBe(200);
      await check(`${prefix}/status with a case`);
      await page.goto(`${prefix}/rate?code=${code}`);
      expect(await submit(page)).toBe(400);
      await check(`${prefix}/rate with errors`);
      await screenshot(page, `rate-errors-${prefix ? 'en' : 'zh'}`);
      expect(failures).toEqual([]);
      await context.close();
    });
  }
});
