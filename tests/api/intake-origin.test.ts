import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { cases, outbox } from '../../db/schema.ts';
import { useTestApp } from '../helpers/app.ts';
import { form, json, makeCaseBody } from '../helpers/factories.ts';

/**
 * A foreign web page must not make its visitors' browsers file cases (each
 * one texts the phone number typed in): form posts are taken only from the
 * service's own origin. Clients without a browser send no Origin.
 */
const t = useTestApp({ env: { PUBLIC_BASE_URL: 'https://hotline.example.cn' } });

const asForm = (body: ReturnType<typeof makeCaseBody>) => Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)]));
const rowsFor = (phone: string) =>
  t.db
    .select({ id: cases.id })
    .from(cases)
    .where(eq(cases.reporterPhone, `+86${phone}`));

describe('POST /api/cases from a browser on another site', () => {
  it('refuses a form post whose Origin is another site, filing and texting nothing', async () => {
    const body = makeCaseBody();
    const res = await t.app.request('/api/cases', form(asForm(body), { origin: 'https://attacker.example' }));
    expect(res.status).toBe(403);
    const error = ErrorEnvelope.parse(await res.json()).error;
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('本站');
    expect(await rowsFor(body.phone)).toHaveLength(0);
    const texts = await t.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(eq(outbox.recipient, `+86${body.phone}`));
    expect(texts).toHaveLength(0);
  });

  it('refuses Origin: null (a sandboxed frame) and a cross-site fetch with no Origin', async () => {
    const a = makeCaseBody();
    expect((await t.app.request('/api/cases', form(asForm(a), { origin: 'null' }))).status).toBe(403);
    const b = makeCaseBody();
    expect((await t.app.request('/api/cases', form(asForm(b), { 'sec-fetch-site': 'cross-site' }))).status).toBe(403);
    expect(await rowsFor(a.phone)).toHaveLength(0);
    expect(await rowsFor(b.phone)).toHaveLength(0);
  });

  it('answers in English when the refused page asked in English', async () => {
    const res = await t.app.request('/api/cases?lang=en', form(asForm(makeCaseBody()), { origin: 'https://attacker.example' }));
    expect(ErrorEnvelope.parse(await res.json()).error.message).toMatch(/this site/);
  });

  it('takes the form from the service’s own origin, and from clients that send none', async () => {
    const own = makeCaseBody();
    const res = await t.app.request('/api/cases', form(asForm(own), { origin: 'https://hotline.example.cn', 'sec-fetch-site': 'same-origin' }));
    expect(res.status).toBe(303);
    expect(await rowsFor(own.phone)).toHaveLength(1);
    const bare = makeCaseBody();
    expect((await t.app.request('/api/cases', form(asForm(bare)))).status).toBe(303);
    expect(await rowsFor(bare.phone)).toHaveLength(1);
  });

  it('leaves JSON filings alone (a browser cannot send them across origins without CORS)', async () => {
    const body = makeCaseBody();
    const res = await t.app.request('/api/cases', json(body, { origin: 'https://civic-app.example' }));
    expect(res.status).toBe(201);
  });
});
