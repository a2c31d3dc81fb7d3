import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, launch, seriousViolations, skipReason, staffSignIn, submit, text } from './browser.ts';

/**
 * The admin's Open311 pages (#15): issuing a key with its hourly quota (shown
 * once) and revoking it, and setting where a station or place is on the map;
 * without JavaScript, closed to other roles, clean under axe. And the staff
 * case page of a request an app filed without a phone.
 */
describe.skipIf(Boolean(skipReason))('Open311 admin pages', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const signedIn = (email: string, javaScriptEnabled = true) => staffSignIn(browser, email, { javaScriptEnabled });

  it('issues a key with its quota, shows it once, lists it without it, and revokes it, without JavaScript', async () => {
    const { context, page } = await signedIn('admin@demo.test', false);
    try {
      await page.goto('/staff/admin/calendar');
      await page.click('nav[aria-label="管理项目"] a[href="/staff/admin/api-keys"]');
      const name = `街拍应用 ${Date.now()}`;
      // A quota out of range is refused in words, and what was typed stays.
      await page.fill('#k-name', name);
      await page.fill('#k-owner', '市民服务中心 张工 opendata@example.org');
      await page.fill('#k-quota', '0');
      expect(await submit(page, '#issue-key button[type=submit]')).toBe(400);
      expect(await text(page, '#k-quota-error')).toContain('1 至 100000');
      expect(await page.inputValue('#k-name')).toBe(name);

      await page.fill('#k-quota', '250');
      expect(await submit(page, '#issue-key button[type=submit]')).toBe(200);
      const key = await text(page, '#issued-key-value');
      expect(key).toMatch(/^o311_/);
      expect(await text(page, '#issued-key')).toContain('250');
      expect(await text(page, `tr:has-text("${name}")`)).toContain('250 件');

      // Shown once: the list never shows it again.
      await page.goto('/staff/admin/api-keys');
      expect(await page.content()).not.toContain(key);
      expect(await submit(page, `button[aria-label="停用：${name}（不可恢复）"]`)).toBe(200);
      expect(await text(page, '#flash')).toContain('已停用');
      expect(await text(page, `tr:has-text("${name}")`)).toContain('已停用');
    } finally {
      await context.close();
    }
  });

  it('shows staff a phone-less Open311 request: who cannot be texted, the app, its extra attributes and picture link', async () => {
    const { context, page } = await signedIn('admin@demo.test', false);
    let key: string;
    try {
      await page.goto('/staff/admin/api-keys');
      await page.fill('#k-name', 'FixMyStreet 测试');
      await page.fill('#k-owner', 'mySociety test');
      expect(await submit(page, '#issue-key button[type=submit]')).toBe(200);
      key = await text(page, '#issued-key-value');
    } finally {
      await context.close();
    }
    const filed = await fetch(`${baseUrl}/open311/v2/requests.json?lang=zh-CN`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        api_key: key,
        jurisdiction_id: 'station-hotline',
        service_code: 'touting',
        'attribute[station]': 'TJ',
        'attribute[fixmystreet_id]': '31337',
        description: `出站口拉客 ${Date.now()}`,
        email: 'fms-e2e@example.org',
        media_url: 'https://fms.example.org/photo/31337.jpeg',
      }).toString(),
    });
    expect(filed.status).toBe(200);
    const notice = ((await filed.json()) as Array<{ service_notice: string }>)[0]!.service_notice;
    const code = /查询码 ([0-9A-Z]+)/.exec(notice)![1]!;

    const staff = await signedIn('dispatcher@demo.test');
    try {
      await staff.page.goto(`/staff?q=${code}`);
      await staff.page.click(`main a[href^="/staff/cases/"]`);
      expect(await text(staff.page, '#not-textable')).toContain('无法短信联系');
      expect(await text(staff.page, '#open311-client')).toContain('FixMyStreet 测试');
      expect(await staff.page.getAttribute('#open311-media', 'href')).toBe('https://fms.example.org/photo/31337.jpeg');
      expect(await text(staff.page, '.open311-attribute')).toBe('31337');
      expect(await seriousViolations(staff.page)).toEqual([]);
    } finally {
      await staff.context.close();
    }
  });

  it('sets a place’s coordinates and refuses half a pair in words, without JavaScript', async () => {
    const { context, page } = await signedIn('admin@demo.test', false);
    try {
      await page.goto('/staff/admin/places');
      // The seed's approximate coordinates are there.
      expect(await page.inputValue('input[aria-label="纬度：天津南站"]')).toMatch(/^39\.05/);
      const lat = 'input[aria-label="纬度：天津南站 · 停车场"]';
      const long = 'input[aria-label="经度：天津南站 · 停车场"]';
      await page.fill(lat, '39.05671234567891');
      await page.fill(long, '');
      expect(await submit(page, 'button[aria-label="保存坐标：天津南站 · 停车场"]')).toBe(400);
      expect(await text(page, '#row-TJN-parking')).toContain('纬度和经度须同时填写');
      await page.fill(long, '117.06121234567891');
      expect(await submit(page, 'button[aria-label="保存坐标：天津南站 · 停车场"]')).toBe(200);
      expect(await text(page, '#flash')).toContain('已保存');
      expect(await page.inputValue(lat)).toBe('39.05671234567891');
      expect(await page.inputValue(long)).toBe('117.06121234567891');
    } finally {
      await context.close();
    }
  });

  it('has no serious or critical axe violations, and is closed to other roles', async () => {
    const { context, page } = await signedIn('admin@demo.test');
    try {
      for (const path of ['/staff/admin/api-keys', '/staff/admin/places']) {
        const res = await page.goto(path);
        expect(res?.status()).toBe(200);
        expect(await seriousViolations(page), path).toEqual([]);
      }
    } finally {
      await context.close();
    }
    const other = await signedIn('dispatcher@demo.test');
    try {
      for (const path of ['/staff/admin/api-keys', '/staff/admin/places']) {
        const res = await other.page.goto(path);
        expect(res?.status()).toBe(403);
        expect(await text(other.page, 'main')).toContain('只有系统管理员可以使用本页');
      }
    } finally {
      await other.context.close();
    }
  });
});
