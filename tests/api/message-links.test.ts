import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderEmail, renderSms, TEMPLATES } from '../../api/domain/messages/templates.ts';
import { statsLink } from '../../api/domain/stats/bulletins.ts';
import { PublicCase } from '../../api/routes/public/schemas.ts';
import { normalizeCode } from '../../site/src/lib/format.ts';
import { useTestApp } from '../helpers/app.ts';
import { messagePayload } from '../helpers/message-payload.ts';
import { call, fileCase, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * Every link in every message works. Each template (the registry, so a new one
 * is covered by itself) is rendered in both languages as SMS, email text and
 * email HTML; each link is read the way a mail client or SMS app auto-links:
 * from "http" greedily up to whitespace, `<` or `"`. Each must then be a URL
 * under PUBLIC_BASE_URL whose path is a page of the site, whose query is
 * exactly what that page reads, and whose page works for it.
 *
 * The pages are Astro, rendered by the site's own server, which `app.request`
 * does not serve (the app is the API). So the pages come from `site/src/pages`
 * (their file routes, and the `searchParams.get(...)` each one calls), and a
 * link is followed through the API call its page makes for it in process.
 */
const BASE = 'https://hotline.example.cn';
const t = useTestApp({ env: { PUBLIC_BASE_URL: BASE } });

const PAGES_DIR = join(import.meta.dirname, '../../site/src/pages');

interface Page {
  file: string;
  pattern: RegExp;
  /** The query parameters the page reads. */
  reads: Set<string>;
}

/** The site's pages from their files: `[...lang]` is `` or `en`, `index` the folder itself. */
function sitePages(): Page[] {
  const files = (readdirSync(PAGES_DIR, { recursive: true }) as string[]).filter((f) => f.endsWith('.astro'));
  return files.map((file) => {
    const segments = file.replace(/\.astro$/, '').split(/[\\/]/);
    if (segments.at(-1) === 'index') segments.pop();
    const pattern = segments.map((s) => (s === '[...lang]' ? '(?:/en)?' : /^\[.+\]$/.test(s) ? '/[^/]+' : `/${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)).join('');
    const source = readFileSync(join(PAGES_DIR, file), 'utf8');
    const reads = new Set([...source.matchAll(/searchParams\.get\('([^']+)'\)/g)].map((m) => m[1]!));
    return { file, pattern: new RegExp(`^${pattern || '/'}/?$`), reads };
  });
}

/** What an auto-linker takes for a link: from http(s):// up to whitespace, `<` or `"`. */
const autoLinks = (text: string) => [...text.matchAll(/https?:\/\/[^\s<"]+/g)].map((m) => m[0]);

/** The links of an HTML body: every anchor's href, which must equal its text, and no URL outside an anchor. */
function htmlLinks(html: string): string[] {
  const unescapeHtml = (s: string) =>
    s
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>');
  const anchors = [...html.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)];
  for (const a of anchors) expect(a[2], 'an anchor shows the address it opens').toBe(a[1]);
  const outside = html.replace(/<a href="[^"]*">[^<]*<\/a>/g, '');
  expect(autoLinks(outside), 'every address in the HTML is an anchor').toEqual([]);
  return anchors.map((a) => unescapeHtml(a[1]!));
}

let pages: Page[];
let filed: { trackingCode: string; phone4: string };
let payload: Record<string, unknown>;
let supervisor: StaffSession;
let caseIds: string[];

beforeAll(async () => {
  pages = sitePages();
  const a = await fileCase(t.app, t.db);
  const b = await fileCase(t.app, t.db);
  filed = { trackingCode: a.trackingCode, phone4: String(a.body.phone).slice(-4) };
  supervisor = await staffSession(t.app, t.db, 'supervisor');
  caseIds = [a.id, b.id];
  const sample = messagePayload();
  // Every field any template reads, with real cases behind the codes and the staff links.
  payload = messagePayload({
    items: (sample.items as Array<Record<string, unknown>>).map((item, i) => ({ ...item, caseId: i % 2 ? b.id : a.id })),
    trackingCode: a.trackingCode,
    masterTrackingCode: b.trackingCode,
    department: { name: '铁路公安' },
    text: '已安排执法人员到场处理，拉客人员已劝离',
    from: '2026-03-08',
    to: '2026-03-08',
    month: '2026-02',
    statsUrl: statsLink(BASE),
  });
});

/** Follows a link to its page and through the API call that page makes for it. */
async function follow(link: string, lang: 'zh-CN' | 'en') {
  expect(link.startsWith(`${BASE}/`), `${link} is under PUBLIC_BASE_URL`).toBe(true);
  const url = new URL(link);
  expect(url.href, 'the URL parses to itself: nothing trailing was swallowed').toBe(link);
  const page = pages.find((p) => p.pattern.test(url.pathname));
  expect(page, `${url.pathname} is a page of the site`).toBeDefined();
  const keys = [...url.searchParams.keys()];
  expect(new Set(keys).size, 'no parameter twice').toBe(keys.length);
  for (const key of keys) expect(page!.reads, `${page!.file} reads ?${key}`).toContain(key);
  if (url.pathname.replace(/^\/en(?=\/)/, '') !== url.pathname) expect(lang).toBe('en');

  const code = url.searchParams.get('code');
  if (page!.reads.has('code') && /\/(status|rate)$/.test(url.pathname)) {
    // The page takes the code from the link and asks GET /api/cases/{code}?phone4= once the citizen adds the digits.
    expect(code, `${link} carries the code its page reads`).not.toBeNull();
    const normalized = normalizeCode(code);
    expect(normalized, `${code} is a code the page accepts`).toBeDefined();
    const res = await t.app.request(`/api/cases/${normalized}?phone4=${filed.phone4}&lang=${lang}`);
    expect(res.status, link).toBe(200);
    expect(PublicCase.parse(await res.json()).trackingCode).toBe(filed.trackingCode);
  } else if (/^\/staff\/cases\/[^/]+$/.test(url.pathname)) {
    // The staff case page asks GET /api/staff/cases/{id} for a signed-in member of staff.
    const id = url.pathname.split('/').pop()!;
    expect(caseIds, `${link} opens a real case`).toContain(id);
    expect((await call(t.app, supervisor, 'GET', `/api/staff/cases/${id}`)).status, link).toBe(200);
  } else if (url.pathname.endsWith('/stats')) {
    for (const groupBy of ['month', 'category']) expect((await t.app.request(`/api/stats?groupBy=${groupBy}`)).status, link).toBe(200);
  } else {
    throw new Error(`a link to ${url.pathname}: say here how its page is followed`);
  }
}

describe('links in messages', () => {
  it('finds the site’s pages and what they read', () => {
    const status = pages.find((p) => p.pattern.test('/en/status'));
    expect(status?.reads).toContain('code');
    expect(pages.some((p) => p.pattern.test('/status-page'))).toBe(false);
  });

  for (const template of TEMPLATES) {
    for (const lang of ['zh-CN', 'en'] as const) {
      it(`${template} (${lang}): every link, in SMS, text and HTML, opens a working page`, async () => {
        const email = renderEmail(template, lang, payload, BASE);
        const sms = renderSms(template, lang, payload, BASE);
        const textLinks = autoLinks(email.text);
        // The HTML links what the text links, in the same order.
        expect(htmlLinks(email.html)).toEqual(textLinks);
        for (const link of [...new Set([...textLinks, ...autoLinks(sms), ...autoLinks(email.subject)])]) await follow(link, lang);
      });
    }
  }

  it('links the citizen to the case from the receipt, the reply and the surveys, in each language', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const prefix = lang === 'en' ? '/en' : '';
      for (const [template, page] of [
        ['receipt', 'status'],
        ['reply', 'status'],
        ['survey', 'rate'],
        ['survey_reminder', 'rate'],
      ]) {
        expect(autoLinks(renderEmail(template!, lang, payload, BASE).text), `${template} ${lang}`).toEqual([`${BASE}${prefix}/${page}?code=${filed.trackingCode}`]);
      }
    }
    expect(autoLinks(renderEmail('bulletin_daily', 'zh-CN', payload, BASE).text)).toEqual([`${BASE}/stats`]);
  });
});
