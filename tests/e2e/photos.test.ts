import exifr from 'exifr';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpegWithGps, png } from '../helpers/photos.ts';
import { launch, MOBILE, newContext, pageErrors, screenshot, seriousViolations, skipReason, staffSignIn, submit, text, uniquePhone } from './browser.ts';

/**
 * Photos from a phone-sized screen (issue #17), with and without JavaScript:
 * the traveler files a case with a photo from the complaint form; staff see it
 * on the case page, and the image they get has no GPS tag; the public status
 * page shows nothing until a member of staff makes it public. A file that is
 * no photo comes back beside its field with the rest of the form kept.
 */

async function fillReport(page: Page, phone: string, description: string) {
  await page.goto('/report');
  await page.selectOption('#station', 'TJ');
  await page.selectOption('#kind', 'complaint');
  await page.selectOption('#category', 'touting');
  await page.fill('#description', description);
  await page.fill('#phone', phone);
}

/** A member of staff on a phone-sized screen (the dispatcher unless named). */
const signInOnPhone = (browser: Browser, email = 'dispatcher@demo.test', javaScriptEnabled = true) => staffSignIn(browser, email, { viewport: MOBILE, javaScriptEnabled });

/** The case's id by its tracking code, through the queue's search, as the signed-in page's own session. */
async function caseId(page: Page, code: string): Promise<string> {
  const res = await page.request.get(`/api/staff/cases?q=${code}`);
  expect(res.status()).toBe(200);
  const { items } = (await res.json()) as { items: Array<{ id: string; trackingCode: string }> };
  const item = items.find((i) => i.trackingCode === code);
  if (!item) throw new Error(`case ${code} not in the queue`);
  return item.id;
}

async function lookUp(page: Page, code: string, phone: string) {
  await page.goto(`/status?code=${code}`);
  await page.fill('#phone4', phone.slice(-4));
  expect(await submit(page)).toBe(200);
}

describe.skipIf(Boolean(skipReason))('photos on a phone', () => {
  let browser: Browser;
  let gpsJpeg: Buffer;
  beforeAll(async () => {
    browser = await launch();
    gpsJpeg = await jpegWithGps(1200, 900);
    expect(await exifr.gps(gpsJpeg)).toBeDefined();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const javaScriptEnabled of [false, true]) {
    const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';

    it(`files a case with a photo ${how}; staff see it without its GPS tag; the public does not, until staff make it public`, async () => {
      const citizen = await newContext(browser, { viewport: MOBILE, javaScriptEnabled });
      const page = await citizen.newPage();
      const phone = uniquePhone();
      await fillReport(page, phone, `出站口有人拉客，附照片（${how}）`);
      await page.setInputFiles('#photos', { name: 'IMG_4032.JPG', mimeType: 'image/jpeg', buffer: gpsJpeg });
      expect(await submit(page)).toBe(200);
      const code = new URL(page.url()).searchParams.get('code');
      expect(code, `no receipt: ${page.url()}`).toBeTruthy();

      // The public: the status page shows no photo.
      await lookUp(page, code!, phone);
      expect(await page.locator('#public-photos').count()).toBe(0);

      // Staff: the case page shows the photo through a signed link; its bytes carry no GPS.
      const staff = await signInOnPhone(browser);
      const id = await caseId(staff.page, code!);
      await staff.page.goto(`/staff/cases/${id}`);
      const img = staff.page.locator('#case-photos img').first();
      await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
      const full = await staff.page.locator('#case-photos a').first().getAttribute('href');
      expect(full).toMatch(/^\/api\/photos\/[0-9a-f-]{36}\?variant=full&expires=\d+&sig=/);
      const stored = await staff.page.request.get(full!);
      expect(stored.status()).toBe(200);
      const bytes = await stored.body();
      expect(await exifr.gps(bytes)).toBeUndefined();
      expect(await exifr.parse(bytes, true)).toBeUndefined();
      const photoId = full!.split('/')[3]!.split('?')[0]!;
      // The public path answers only for a photo staff made public.
      expect((await page.request.get(`/api/public/photos/${photoId}`)).status()).toBe(404);
      await screenshot(staff.page, `photos-staff-${javaScriptEnabled ? 'js' : 'nojs'}`);

      // Staff make it public (a plain form post); the status page then shows it.
      expect(await submit(staff.page, '#case-photos button[type=submit]')).toBe(200);
      expect(await text(staff.page, '#photo-flash')).toBe('照片已公开');
      expect(await text(staff.page, '#timeline')).toContain('公开');
      await lookUp(page, code!, phone);
      const shown = page.locator('#public-photos img');
      expect(await shown.count()).toBe(1);
      await expect.poll(() => shown.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
      if (javaScriptEnabled) {
        expect(await seriousViolations(page)).toEqual([]);
        expect(await seriousViolations(staff.page)).toEqual([]);
      }
      await screenshot(page, `photos-status-${javaScriptEnabled ? 'js' : 'nojs'}`);
      expect(pageErrors.get(citizen) ?? []).toEqual([]);
      await citizen.close();
      await staff.context.close();
    });

    it(`a text file named .jpg comes back beside the photo field ${how}, the rest of the form kept`, async () => {
      const context = await newContext(browser, { viewport: MOBILE, javaScriptEnabled });
      const page = await context.newPage();
      const phone = uniquePhone();
      const description = `站台照明坏了 ${how}`;
      await fillReport(page, phone, description);
      await page.setInputFiles('#photos', [
        { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('these are notes, not a photo') },
        { name: 'ok.png', mimeType: 'image/png', buffer: await png() },
      ]);
      expect(await submit(page)).toBe(400);
      expect(await text(page, '#photos-error')).toContain('“notes.jpg”不是 JPEG、PNG、WebP 或 HEIC 格式的照片');
      expect(await text(page, '#error-summary')).toContain('notes.jpg');
      expect(await text(page, '#photos-again')).toContain('请重新选择照片');
      expect(await page.inputValue('#description')).toBe(description);
      expect(await page.inputValue('#phone')).toBe(phone);
      expect(await page.inputValue('#station')).toBe('TJ');
      if (javaScriptEnabled) expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, `photos-refused-${javaScriptEnabled ? 'js' : 'nojs'}`);
      await context.close();
    });
  }

  it('an admin sets how long closed cases keep their photos, without JavaScript; a bad number is said beside the field', async () => {
    const { context, page } = await signInOnPhone(browser, 'admin@demo.test', false);
    await page.goto('/staff/admin/photos');
    await page.fill('#days', 'abc');
    expect(await submit(page)).toBe(400);
    expect(await text(page, '#days-error')).toContain('1 至 3650');
    await page.fill('#days', '90');
    expect(await submit(page)).toBe(200);
    expect(await text(page, '#flash')).toBe('已保存。');
    expect(await text(page, 'main')).toContain('目前：办结后 90 天。');
    await page.fill('#days', '');
    expect(await submit(page)).toBe(200);
    expect(await text(page, 'main')).toContain('目前：一直保留。');
    await context.close();
    const withJs = await signInOnPhone(browser, 'admin@demo.test');
    await withJs.page.goto('/staff/admin/photos');
    expect(await seriousViolations(withJs.page)).toEqual([]);
    await withJs.context.close();
  });

  it('the form offers the photo field on the English page too, with its limits', async () => {
    const context = await newContext(browser, { viewport: MOBILE, locale: 'en' });
    const page = await context.newPage();
    await page.goto('/en/report');
    expect(await text(page, 'label[for=photos]')).toBe('Photos (optional)');
    expect(await text(page, '#photos-hint')).toContain('Up to 3, at most 10 MB each');
    expect(await page.getAttribute('#report-form', 'enctype')).toBe('multipart/form-data');
    await context.close();
  });
});
