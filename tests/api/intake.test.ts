import { and, eq, or } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET } from '../../api/domain/cases/tracking-code.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { CreatedCase } from '../../api/routes/public/schemas.ts';
import { caseEvents, cases, outbox } from '../../db/schema.ts';
import { useTestApp } from '../helpers/app.ts';
import { form, json, makeCaseBody } from '../helpers/factories.ts';

const t = useTestApp();

async function rowsFor(body: { phone: string; description: string }) {
  return t.db
    .select({ id: cases.id })
    .from(cases)
    .where(or(eq(cases.description, body.description), eq(cases.reporterPhone, `+86${body.phone}`)));
}

describe('POST /api/cases', () => {
  it('files a case with its deadlines, timeline event and receipt messages in one go', async () => {
    const body = makeCaseBody({ email: 'traveler@example.com', name: '张先生' });
    const res = await t.app.request('/api/cases', json(body));
    expect(res.status).toBe(201);
    const created = CreatedCase.parse(await res.json());
    expect(created.status).toBe('new');
    expect(created.trackingCode).toMatch(new RegExp(`^[${CODE_ALPHABET}]{10}$`));
    expect(created.replyDueAt).toMatch(/T00:00:00\+08:00$/);

    const [row] = await t.db.select().from(cases).where(eq(cases.trackingCode, created.trackingCode));
    expect(row).toMatchObject({
      channel: 'web',
      kind: 'complaint',
      status: 'new',
      reporterPhone: `+86${body.phone}`,
      reporterPhone4: body.phone.slice(-4),
      reporterEmail: 'traveler@example.com',
      reporterName: '张先生',
      description: body.description,
      priority: 'normal',
    });
    expect(row!.ackDueAt.getTime() - row!.receivedAt.getTime()).toBe(2 * 3600_000);
    expect(row!.contactDueAt.getTime() - row!.receivedAt.getTime()).toBe(24 * 3600_000);

    const events = await t.db.select().from(caseEvents).where(eq(caseEvents.caseId, row!.id));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'created', actorType: 'citizen', isPublic: true });

    const messages = await t.db.select().from(outbox).where(eq(outbox.caseId, row!.id));
    expect(messages.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    const sms = messages.find((m) => m.channel === 'sms')!;
    expect(sms).toMatchObject({ recipient: `+86${body.phone}`, template: 'receipt', status: 'pending' });
    expect(sms.payload).toMatchObject({ trackingCode: created.trackingCode });
  });

  it('accepts a mainland mobile written with +86, spaces or dashes', async () => {
    const base = makeCaseBody();
    const spaced = `+86 ${base.phone.slice(0, 3)} ${base.phone.slice(3, 7)}-${base.phone.slice(7)}`;
    const res = await t.app.request('/api/cases', json({ ...base, phone: spaced }));
    expect(res.status).toBe(201);
    const [row] = await t.db.select().from(cases).where(eq(cases.description, base.description));
    expect(row!.reporterPhone).toBe(`+86${base.phone}`);
  });

  it('gives every case its own tracking code', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const res = await t.app.request('/api/cases', json(makeCaseBody()));
      codes.add(CreatedCase.parse(await res.json()).trackingCode);
    }
    expect(codes.size).toBe(20);
  });

  it('takes the site form and redirects to the receipt page, in the chosen language', async () => {
    const body = makeCaseBody();
    const res = await t.app.request('/api/cases', form({ ...(body as Record<string, string>), email: '', name: '' }));
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/report\/done\?code=[A-Z2-9]{10}$/);
    const [row] = await t.db.select().from(cases).where(eq(cases.description, body.description));
    expect(row!.reporterEmail).toBeNull();
    expect(location).toContain(row!.trackingCode);

    const en = await t.app.request('/api/cases', form({ ...(makeCaseBody() as Record<string, string>), lang: 'en' }));
    expect(en.status).toBe(303);
    expect(en.headers.get('location')).toMatch(/^\/en\/report\/done\?code=/);
  });

  it('stores descriptions as text, markup and all', async () => {
    const body = makeCaseBody({ description: `<script>alert(1)</script> ${crypto.randomUUID()}` });
    const res = await t.app.request('/api/cases', json(body));
    expect(res.status).toBe(201);
    const [row] = await t.db.select().from(cases).where(eq(cases.description, body.description));
    expect(row!.description.startsWith('<script>')).toBe(true);
  });

  it('keeps characters outside the BMP (a well-formed surrogate pair) as they were sent', async () => {
    const body = makeCaseBody({ description: `出站口有人拉客 😡𠮷 ${crypto.randomUUID()}`, name: '𠮷田' });
    const res = await t.app.request('/api/cases', json(body));
    expect(res.status).toBe(201);
    const [row] = await t.db.select().from(cases).where(eq(cases.description, body.description));
    expect(row!.reporterName).toBe('𠮷田');
  });
});

describe('POST /api/cases refuses bad input and creates nothing', () => {
  const bad: Array<[string, (b: ReturnType<typeof makeCaseBody>) => RequestInit, number, string | undefined]> = [
    ['an empty JSON body', () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '' }), 400, undefined],
    ['an empty object', () => json({}), 400, 'station'],
    ['broken JSON', () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"station": "TJ",' }), 400, undefined],
    ['a JSON array', () => json([1, 2]), 400, undefined],
    ['a number where text belongs', (b) => json({ ...b, description: 42 }), 400, 'description'],
    ['an unknown kind', (b) => json({ ...b, kind: 'praise' }), 400, 'kind'],
    ['an unknown station', (b) => json({ ...b, station: 'SHH' }), 400, 'station'],
    ['an unknown category', (b) => json({ ...b, category: 'noise' }), 400, 'category'],
    ['a location of another station', (b) => json({ ...b, station: 'BJN', location: 'intercity_square' }), 400, 'location'],
    ['an invalid phone', (b) => json({ ...b, phone: '12345' }), 400, 'phone'],
    ['a phone with letters', (b) => json({ ...b, phone: '138abcd5678' }), 400, 'phone'],
    ['an invalid email', (b) => json({ ...b, email: 'not-an-email' }), 400, 'email'],
    ['a blank description', (b) => json({ ...b, description: '   ' }), 400, 'description'],
    ['a description over 2,000 characters', (b) => json({ ...b, description: `${b.description}${'很'.repeat(2001)}` }), 400, 'description'],
    ['a name over 50 characters', (b) => json({ ...b, name: 'x'.repeat(51) }), 400, 'name'],
    ['a NUL in the description', (b) => json({ ...b, description: `${b.description}\u0000` }), 400, 'description'],
    ['a NUL in the name, form-encoded', (b) => form({ ...(b as Record<string, string>), name: '张\u0000先生' }), 400, 'name'],
    ['a lone high surrogate in the description', (b) => json({ ...b, description: `${b.description}\uD83D` }), 400, 'description'],
    ['a lone low surrogate in the location', (b) => json({ ...b, location: '\uDE00front_square' }), 400, 'location'],
    ['a 100 kB description', (b) => json({ ...b, description: `${b.description}${'x'.repeat(100 * 1024)}` }), 413, undefined],
    ['text/plain', (b) => ({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(b) }), 400, undefined],
    ['no content type', (b) => ({ method: 'POST', body: JSON.stringify(b) }), 400, undefined],
    ['XML', () => ({ method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<case/>' }), 400, undefined],
  ];

  for (const [what, request, status, field] of bad) {
    it(`${what} → ${status}`, async () => {
      const body = makeCaseBody();
      const res = await t.app.request('/api/cases', request(body));
      expect(res.status).toBe(status);
      const envelope = ErrorEnvelope.parse(await res.json());
      expect(envelope.error.code).toBe('invalid_input');
      expect(envelope.error.requestId).toBeTruthy();
      if (field) {
        const fields = (envelope.error.details as { fields: Array<{ field: string; message: string }> }).fields;
        expect(fields.map((f) => f.field)).toContain(field);
        expect(envelope.error.message).toContain(field);
      }
      expect(await rowsFor(body)).toHaveLength(0);
    });
  }

  it('answers in English when asked, by lang or Accept-Language', async () => {
    const body = makeCaseBody({ phone: '000' });
    const zh = ErrorEnvelope.parse(await (await t.app.request('/api/cases', json(body))).json());
    expect(zh.error.message).toMatch(/提交的内容有误/);
    const fieldsZh = (zh.error.details as { fields: Array<{ message: string }> }).fields;
    expect(fieldsZh[0]!.message).toBe('请输入有效的手机号码');

    const en = ErrorEnvelope.parse(await (await t.app.request('/api/cases', json(body, { 'accept-language': 'en-GB,en;q=0.9,zh;q=0.5' }))).json());
    expect(en.error.message).toMatch(/not valid/);
    const byQuery = ErrorEnvelope.parse(await (await t.app.request('/api/cases?lang=en', json(body))).json());
    expect((byQuery.error.details as { fields: Array<{ message: string }> }).fields[0]!.message).toBe('Enter a valid phone number');
    expect(await rowsFor(body)).toHaveLength(0);
  });
});

describe('intake rate limit', () => {
  const limited = useTestApp({ env: { INTAKE_RATE_LIMIT: '2' } });

  it('refuses a client past its share with 429 and Retry-After, and keeps serving others', async () => {
    // Addresses of this run's own: the budgets are kept in the database, which a rerun on PostgreSQL keeps.
    const client = { 'x-test-client': `2001:db8::${crypto.randomUUID().slice(0, 4)}:1` };
    for (let i = 0; i < 2; i++) {
      expect((await limited.app.request('/api/cases', json(makeCaseBody(), client))).status).toBe(201);
    }
    const body = makeCaseBody();
    const refused = await limited.app.request('/api/cases', json(body, client));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(ErrorEnvelope.parse(await refused.json()).error.code).toBe('rate_limited');
    expect(await rowsFor(body)).toHaveLength(0);

    const other = await limited.app.request('/api/cases', json(makeCaseBody(), { 'x-test-client': `2001:db8::${crypto.randomUUID().slice(0, 4)}:2` }));
    expect(other.status).toBe(201);
  });
});

describe('the timeline is append-only in the database itself', () => {
  it('refuses UPDATE and DELETE of case events', async () => {
    const body = makeCaseBody();
    const created = CreatedCase.parse(await (await t.app.request('/api/cases', json(body))).json());
    const [row] = await t.db.select({ id: cases.id }).from(cases).where(eq(cases.trackingCode, created.trackingCode));
    expect(await failure(t.db.update(caseEvents).set({ type: 'tampered' }).where(eq(caseEvents.caseId, row!.id)))).toMatch(/append-only: UPDATE refused/);
    expect(await failure(t.db.delete(caseEvents).where(eq(caseEvents.caseId, row!.id)))).toMatch(/append-only: DELETE refused/);
    const events = await t.db
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, row!.id), eq(caseEvents.type, 'created')));
    expect(events).toHaveLength(1);
  });
});

/** The database's own message for a refused statement (drizzle wraps it as the cause). */
async function failure(query: PromiseLike<unknown>): Promise<string> {
  try {
    await query;
  } catch (err) {
    const e = err as Error & { cause?: Error };
    return e.cause?.message ?? e.message;
  }
  return 'no error';
}
