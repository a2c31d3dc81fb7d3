import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSiteHandler } from '../../site/adapter/bundle.ts';
import type { PublicCase } from '../../site/src/lib/contract.ts';
import { skipReason } from './browser.ts';

/**
 * The site reads every API answer through the contract's schema. Here the
 * built SSR bundle is called in this process with an API that breaks the
 * contract (a status no case can have), so the page must answer 502 with its
 * own error page, never render the broken data, and log one line that names
 * the route, the endpoint and the failing field — without the tracking code,
 * the phone digits or anything the answer carried.
 */
const CODE = 'K7M2QX9PRT';
const origin = 'http://127.0.0.1:8787';

const goodCase: PublicCase = {
  trackingCode: CODE,
  status: 'in_progress',
  kind: 'complaint',
  station: { code: 'TJ', name: '天津站' },
  category: null,
  location: null,
  createdAt: '2026-03-02T09:00:00+08:00',
  replyDueAt: '2026-03-16T00:00:00+08:00',
  replyDueProvisional: false,
  closedAt: null,
  reply: { text: '已联系 13912345678 的张先生处理。', at: '2026-03-03T10:00:00+08:00' },
  timeline: [],
  canEvaluate: false,
  photos: [],
};

/** An API that answers any case lookup with `body`, and records the paths asked. */
function fakeApi(body: unknown) {
  const asked: string[] = [];
  const fetch = async (request: Request) => {
    asked.push(new URL(request.url).pathname);
    return Response.json(body, { status: 200 });
  };
  return { api: { fetch }, asked };
}

async function lookUp(body: unknown, page = '/status') {
  const handle = await loadSiteHandler();
  if (!handle) throw new Error('the site is not built (the e2e setup builds it)');
  const { api, asked } = fakeApi(body);
  const request = new Request(`${origin}${page}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ code: CODE, phone4: '5678' }).toString(),
  });
  const response = await handle(request, { api, env: {} });
  return { response, html: await response.text(), asked };
}

describe.skipIf(Boolean(skipReason))('an API answer that breaks the contract', () => {
  afterEach(() => vi.restoreAllMocks());

  it('renders the case when the answer keeps the contract', async () => {
    const { response, html, asked } = await lookUp(goodCase);
    expect(asked).toEqual([`/api/cases/${CODE}`]);
    expect(response.status).toBe(200);
    expect(html).toContain('办理中');
  });

  it('is a 502 page, not the broken data, and one log line without personal data', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { response, html } = await lookUp({ ...goodCase, status: 'lost' });

    expect(response.status).toBe(502);
    expect(html).toContain('暂时无法显示这个页面');
    expect(html).not.toContain('13912345678');

    const lines = errors.mock.calls.map((args) => args.map(String).join(' '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('GET /api/cases/:id');
    expect(lines[0]).toContain('status invalid_value');
    for (const secret of [CODE, '5678', '13912345678', 'lost']) expect(lines[0]).not.toContain(secret);
  });

  it("is a 502 in the page's language when a field the page reads is missing", async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { canEvaluate: _, ...withoutFlag } = goodCase;
    const { response, html } = await lookUp(withoutFlag, '/en/status');
    expect(response.status).toBe(502);
    expect(html).toContain('This page cannot be shown right now');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
