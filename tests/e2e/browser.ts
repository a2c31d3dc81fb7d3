import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { mobileSequence } from '../helpers/phones.ts';
import { CHROMIUM } from './global-setup.ts';

/** What every browser test needs: the running server, a Chromium, screenshots, axe. */
export const { skipReason, baseUrl } = inject('e2e');

export const SCREENSHOTS = 'tests/artifacts/screenshots';
export const MOBILE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Script errors and console errors (a CSP violation is one) seen by each context. */
export const pageErrors = new WeakMap<BrowserContext, string[]>();

export async function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: MOBILE, locale: 'zh-CN', ...options });
  // A step fails with what it was waiting for, well before the test's own timeout, yet
  // with room for a busy two-core laptop where the server and Chromium share the CPU.
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(45_000);
  const errors: string[] = [];
  pageErrors.set(context, errors);
  context.on('weberror', (e) => errors.push(`pageerror: ${e.error().message}`));
  context.on('console', (m) => {
    // A form answered 400/404/409 on purpose is logged by Chromium as a failed resource; that is not a script error.
    if (m.type() === 'error' && !/status of (400|401|404|409)/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return context;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/**
 * Serious and critical axe violations (WCAG 2.1 A and AA rules), formatted for
 * an assertion message. axe runs in the page, so the page needs JavaScript on.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(' | ')}`,
    );
}

/** Files a complaint through the site's form; returns the tracking code from the receipt's URL. */
export async function fileComplaint(
  page: Page,
  fields: { station?: string; kind?: string; category?: string; location?: string; description: string; phone: string; email?: string; name?: string },
  prefix = '',
): Promise<string> {
  await page.goto(`${prefix}/report`);
  await page.selectOption('#station', fields.station ?? 'TJ');
  if (fields.location) await page.selectOption('#location', fields.location);
  await page.selectOption('#kind', fields.kind ?? 'complaint');
  await page.selectOption('#category', fields.category ?? 'touting');
  await page.fill('#description', fields.description);
  await page.fill('#phone', fields.phone);
  if (fields.email) await page.fill('#email', fields.email);
  if (fields.name) await page.fill('#name', fields.name);
  await submit(page);
  const code = new URL(page.url()).searchParams.get('code');
  if (!code) throw new Error('no tracking code on the receipt');
  return code;
}

/** A mainland mobile number no other test uses. */
export const uniquePhone = mobileSequence('139');

/** Submits a form by clicking and waits for the page that answers (after any redirect); returns its status. */
export async function submit(page: Page, selector = 'main button[type=submit]'): Promise<number> {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
  return response?.status() ?? 0;
}

/** The visible text of the first match, trimmed, whitespace collapsed (waits for it to exist). */
export async function text(page: Page, selector: string): Promise<string> {
  // The text a traveler sees (innerText), not hidden markup (textContent).
  // biome-ignore lint/performance/useDomNodeTextContent: visible text is the point
  return (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ').trim();
}

/** Signs a demo member of staff in through the login form (a desktop unless `options` say otherwise). */
export async function staffSignIn(browser: Browser, email: string, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser, { viewport: DESKTOP, ...options });
  const page = await context.newPage();
  await page.goto('/staff/login');
  await page.fill('#email', email);
  await page.fill('#password', 'station-demo');
  expect(await submit(page)).toBe(200);
  expect(new URL(page.url()).pathname).toBe('/staff');
  return { context, page };
}

/** The staff API as a member of staff, for the steps a test needs done but does not test. */
export async function staffApi(email: string) {
  const res = await fetch(`${baseUrl}/api/staff/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'station-demo' }) });
  expect(res.status).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return async <T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> => {
    const answer = await fetch(`${baseUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await answer.json()) as T;
    if (!answer.ok) throw new Error(`${path}: ${answer.status} ${JSON.stringify(json)}`);
    return json;
  };
}
