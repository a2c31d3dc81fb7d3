import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { loadConfig } from '../../api/config.ts';
import { createLogger } from '../../api/logger.ts';
import type { DbHandle } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { openPglite } from '../../db/pglite.ts';
import { seedReference } from '../../db/seed/index.ts';
import { loadSiteHandler } from '../../site/adapter/bundle.ts';
import { skipReason } from './browser.ts';

/**
 * The home page says what a dissatisfied rating does under the office's
 * DISSATISFIED_ACTION, read from /api/meta: the built SSR bundle is called in
 * this process with a real API app on an embedded database, once per setting.
 */
const origin = 'http://127.0.0.1:8787';

describe.skipIf(Boolean(skipReason))('the home page’s promise after a dissatisfied rating', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await openPglite();
    await migrate(handle);
    await seedReference(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function home(action: 'flag' | 'reopen' | 'broken', path: '/' | '/en/') {
    const site = await loadSiteHandler();
    if (!site) throw new Error('the site is not built (the e2e setup builds it)');
    const app = createApp({
      config: loadConfig({ LOG_LEVEL: 'silent', ...(action === 'broken' ? {} : { DISSATISFIED_ACTION: action }) }),
      logger: createLogger('silent'),
      database: () => handle.db,
    });
    // "broken": the API cannot answer /api/meta (the rest of the page still renders).
    const fetch = (request: Request) =>
      action === 'broken' && new URL(request.url).pathname === '/api/meta'
        ? Response.json({ error: { code: 'unavailable', message: 'down', requestId: 'x' } }, { status: 503 })
        : app.fetch(request);
    const response = await site(new Request(`${origin}${path}`), { api: { fetch }, env: {} });
    expect(response.status).toBe(200);
    const html = await response.text();
    return html.match(/<li id="after-rating">([^<]*)<\/li>/)?.[1] ?? '';
  }

  it('flag (the default): the office reviews the case; no reopen is promised', async () => {
    const zh = await home('flag', '/');
    expect(zh).toContain('办公室会复核');
    expect(zh).not.toMatch(/重办|重新办理/);
    const en = await home('flag', '/en/');
    expect(en).toContain('the office reviews how your case was handled');
    expect(en).not.toMatch(/reopen/i);
  });

  it('reopen: the case is handled again (重办) with a new deadline', async () => {
    const zh = await home('reopen', '/');
    expect(zh).toContain('重新办理（重办）');
    expect(zh).toContain('重新确定答复期限');
    const en = await home('reopen', '/en/');
    expect(en).toContain('the case is reopened and handled again, with a new deadline');
  });

  it('promises neither when the API cannot say', async () => {
    const en = await home('broken', '/en/');
    expect(en).toContain('you can say whether you are satisfied');
    expect(en).not.toMatch(/reopen|reviews/i);
  });
});
