import { describe, expect, it } from 'vitest';
import { baseUrl, skipReason } from './browser.ts';

/**
 * The sign-in page's `next=` comes from a link anyone can write. A CR/LF in
 * it once split the Location header into a 500; now such a link is a 400 page
 * that still signs in, to the console's front page. Plain HTTP on the running
 * server: no browser would even send these bytes unencoded.
 */
const signIn = (next: string) =>
  fetch(new URL(`/staff/login?next=${encodeURIComponent(next)}`, baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(baseUrl).origin },
    body: new URLSearchParams({ email: 'dispatcher@demo.test', password: 'station-demo' }).toString(),
  });

describe.skipIf(Boolean(skipReason))('sign-in links', () => {
  for (const next of ['/staff\r\nSet-Cookie: x=1', '/staff/cases/1\n', '/staff/ cases', '/staff\u0000']) {
    it(`answers ${JSON.stringify(next)} with a 400 page, not a 500`, async () => {
      const page = await fetch(new URL(`/staff/login?next=${encodeURIComponent(next)}`, baseUrl), { redirect: 'manual' });
      expect(page.status).toBe(400);
      const html = await page.text();
      expect(html).toContain('登录链接无效');
      // The form posts on to the console's front page, not to the forged address.
      expect(html).toContain('action="/staff/login?next=%2Fstaff"');

      const res = await signIn(next);
      expect(res.status).toBe(400);
      expect(res.headers.get('set-cookie') ?? '').not.toContain('x=1');
    });
  }

  it('still follows a clean console link after signing in', async () => {
    const res = await signIn('/staff/outbox');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/outbox');
  });
});
