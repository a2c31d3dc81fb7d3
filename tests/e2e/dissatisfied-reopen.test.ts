import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { loadConfig } from '../../api/config.ts';
import { createLogger } from '../../api/logger.ts';
import { CaseDetail } from '../../api/routes/staff/schemas.ts';
import type { DbHandle } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { openPglite } from '../../db/pglite.ts';
import { seedReference } from '../../db/seed/index.ts';
import { loadSiteHandler } from '../../site/adapter/bundle.ts';
import { call, fileCase, staffSession } from '../helpers/staff.ts';
import { skipReason } from './browser.ts';

/**
 * Under DISSATISFIED_ACTION=reopen a dissatisfied rating reopens the case (#18):
 * the rating page says so with the new reply deadline, and the status page's
 * timeline shows the redo, its reason in words and its deadline. The browser
 * tests' server runs the default (flag, tests/e2e/merged-and-dissatisfied.test.ts);
 * this one calls the built SSR bundle in this process with a real API app
 * configured to reopen, on an embedded database, as the home page's test does.
 */
const origin = 'http://127.0.0.1:8787';

describe.skipIf(Boolean(skipReason))('a dissatisfied rating under DISSATISFIED_ACTION=reopen', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await openPglite();
    await migrate(handle);
    await seedReference(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('says the case is handled again with its new deadline, on the rating page and in the status page’s timeline', async () => {
    const site = await loadSiteHandler();
    if (!site) throw new Error('the site is not built (the e2e setup builds it)');
    const app = createApp({
      config: loadConfig({ LOG_LEVEL: 'silent', DISSATISFIED_ACTION: 'reopen', LOOKUP_RATE_LIMIT: '10000', INTAKE_RATE_LIMIT: '10000' }),
      logger: createLogger('silent'),
      database: () => handle.db,
    });
    const page = (path: string, init: RequestInit = {}) => site(new Request(`${origin}${path}`, { redirect: 'manual', ...init }), { api: { fetch: (r: Request) => app.fetch(r) }, env: {} });
    const form = (body: Record<string, string>, cookie = '') => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin, ...(cookie ? { cookie } : {}) },
      body: new URLSearchParams(body).toString(),
    });

    const filed = await fileCase(app, handle.db);
    const phone4 = filed.body.phone.slice(-4);
    const dispatcher = await staffSession(app, handle.db, 'dispatcher');
    const handler = await staffSession(app, handle.db, 'handler', 'enf1');
    let version = filed.version;
    for (const [as, verb, body] of [
      [dispatcher, 'assign', { leadDepartment: 'enf1' }],
      [handler, 'acknowledge', {}],
      [handler, 'reply', { text: '已处理' }],
    ] as const) {
      const res = await call(app, as, 'POST', `/api/staff/cases/${filed.id}/${verb}`, { version, ...body });
      expect(res.status, verb).toBe(200);
      version = CaseDetail.parse(await res.json()).version;
    }

    const rated = await page(`/rate?code=${filed.trackingCode}`, form({ code: filed.trackingCode, phone4, satisfaction: 'dissatisfied', resolved: 'no' }));
    expect(rated.status).toBe(303);
    const cookie = rated.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const location = new URL(rated.headers.get('location')!, origin);
    expect(location.searchParams.get('thanks')).toBe('1');
    const thanks = await page(`${location.pathname}${location.search}`, { headers: { cookie } });
    expect(thanks.status).toBe(200);
    const html = await thanks.text();
    const next = /<section class="notice" id="rate-next"[^>]*>([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    expect(next).toMatch(/您的投诉已重新办理（重办），新的答复期限：\d{4}年\d{1,2}月\d{1,2}日（周.）24:00。新的答复会发给您/);
    expect(next).not.toContain('复核');

    // The status page: in progress again, the redo in the timeline with its reason in words and its deadline.
    const status = await page('/status', form({ code: filed.trackingCode, phone4 }));
    expect(status.status).toBe(200);
    const timeline = await status.text();
    const promised = /新的答复期限：([^。<]+)/.exec(next)![1]!;
    const redo = /<li>(?:(?!<li>)[\s\S])*?重新办理[\s\S]*?<\/li>/.exec(timeline)?.[0] ?? '';
    expect(redo).toContain('原因：评价不满意');
    expect(redo).toContain(`新的期限：${promised}`);
  });
});
