import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, seriousViolations, skipReason, staffSignIn, text } from './browser.ts';

/**
 * The admin's health page: reached from the admin navigation, readable without
 * JavaScript, closed to other roles, and clean under axe.
 */
describe.skipIf(Boolean(skipReason))('service health page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const signedIn = (email: string, javaScriptEnabled = true) => staffSignIn(browser, email, { javaScriptEnabled });

  it('shows an admin the database, the outbox, the jobs and the calendar, without JavaScript', async () => {
    const { context, page } = await signedIn('admin@demo.test', false);
    try {
      await page.goto('/staff/admin/calendar');
      await page.click('nav[aria-label="管理项目"] a[href="/staff/admin/health"]');
      expect(new URL(page.url()).pathname).toBe('/staff/admin/health');
      const summary = await text(page, '#health-summary');
      for (const label of ['数据库延迟', '待发消息', '发送失败', '最近一次期限巡检', '已发布节假日的年份']) expect(summary).toContain(label);
      expect(summary).toMatch(/\d+(\.\d+)? ms/);
      // The Node server's scheduler runs the jobs at start: their runs are on the page.
      expect(await text(page, '#health-jobs')).toContain('期限巡检');
    } finally {
      await context.close();
    }
  });

  it('has no serious or critical axe violations', async () => {
    const { context, page } = await signedIn('admin@demo.test');
    try {
      const res = await page.goto('/staff/admin/health');
      expect(res?.status()).toBe(200);
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('is closed to staff who are not admins', async () => {
    const { context, page } = await signedIn('dispatcher@demo.test');
    try {
      const res = await page.goto('/staff/admin/health');
      expect(res?.status()).toBe(403);
      expect(await text(page, 'main')).toContain('只有系统管理员可以使用本页');
    } finally {
      await context.close();
    }
  });
});
