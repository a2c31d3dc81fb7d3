import { describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { CreatedCase, PublicCase } from '../../api/routes/public/schemas.ts';
import { useTestApp } from '../helpers/app.ts';
import { json, makeCaseBody } from '../helpers/factories.ts';

const t = useTestApp();

async function fileCase(overrides = {}) {
  const body = makeCaseBody({ email: 'someone@example.com', name: '李女士', ...overrides });
  const res = await t.app.request('/api/cases', json(body));
  return { body, created: CreatedCase.parse(await res.json()) };
}

describe('GET /api/cases/{trackingCode}', () => {
  it('shows the public view with the code and the last four digits, and nothing personal', async () => {
    const { body, created } = await fileCase();
    const res = await t.app.request(`/api/cases/${created.trackingCode}?phone4=${body.phone.slice(-4)}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const view = PublicCase.parse(JSON.parse(text));
    expect(view).toMatchObject({
      trackingCode: created.trackingCode,
      status: 'new',
      kind: 'complaint',
      station: { code: 'TJ', name: '天津站' },
      category: { code: 'illegal_taxi' },
      location: { code: 'front_square', name: '前广场' },
      replyDueAt: created.replyDueAt,
      reply: null,
    });
    expect(view.timeline.map((e) => e.type)).toEqual(['created']);
    expect(view.createdAt).toMatch(/\+08:00$/);
    for (const secret of [body.phone, body.phone.slice(-8), 'someone@example.com', '李女士', body.description]) {
      expect(text).not.toContain(secret);
    }
  });

  it('reads codes as people type them: lower case, spaces and a dash', async () => {
    const { body, created } = await fileCase();
    const typed = `${created.trackingCode.slice(0, 5).toLowerCase()}-${created.trackingCode.slice(5)}`;
    const res = await t.app.request(`/api/cases/${encodeURIComponent(typed)}?phone4=${body.phone.slice(-4)}`);
    expect(res.status).toBe(200);
  });

  it('names places in English when asked', async () => {
    const { body, created } = await fileCase();
    const res = await t.app.request(`/api/cases/${created.trackingCode}?phone4=${body.phone.slice(-4)}&lang=en`);
    const view = PublicCase.parse(await res.json());
    expect(view.station?.name).toBe('Tianjin Station');
    expect(view.location?.name).toBe('Front square');
  });

  it('answers an unknown code and wrong digits with the same 404', async () => {
    const { body, created } = await fileCase();
    const wrongDigits = String((Number(body.phone.slice(-4)) + 1) % 10000).padStart(4, '0');
    const wrong = await t.app.request(`/api/cases/${created.trackingCode}?phone4=${wrongDigits}`);
    const unknown = await t.app.request(`/api/cases/ABCDEFGHJK?phone4=${body.phone.slice(-4)}`);
    const malformed = await t.app.request(`/api/cases/NOT-A-CODE-AT-ALL?phone4=${body.phone.slice(-4)}`);
    for (const res of [wrong, unknown, malformed]) {
      expect(res.status).toBe(404);
      const envelope = ErrorEnvelope.parse(await res.json());
      expect(envelope.error.code).toBe('not_found');
      expect(envelope.error.message).toBe('未找到该案件，请核对查询码和手机号后四位');
    }
  });

  it('asks for exactly four digits', async () => {
    const { created } = await fileCase();
    for (const q of ['', '?phone4=12', '?phone4=abcd', '?phone4=12345']) {
      const res = await t.app.request(`/api/cases/${created.trackingCode}${q}`);
      expect(res.status).toBe(400);
      const envelope = ErrorEnvelope.parse(await res.json());
      expect(envelope.error.code).toBe('invalid_input');
      expect(JSON.stringify(envelope.error.details)).toContain('phone4');
    }
  });

  it('refuses a NUL in the code or the digits with a 400 naming where it was, not a 500', async () => {
    const { body, created } = await fileCase();
    const phone4 = body.phone.slice(-4);
    for (const [path, field] of [
      [`/api/cases/${created.trackingCode}%00?phone4=${phone4}`, '(path)'],
      [`/api/cases/${created.trackingCode}?phone4=${phone4}%00`, 'phone4'],
      [`/api/cases/${created.trackingCode}?phone4=${phone4}&lang=%00en`, 'lang'],
    ]) {
      const res = await t.app.request(path!);
      expect(res.status, path).toBe(400);
      const envelope = ErrorEnvelope.parse(await res.json());
      expect(envelope.error.code).toBe('invalid_input');
      expect((envelope.error.details as { fields: Array<{ field: string }> }).fields.map((f) => f.field)).toEqual([field]);
    }
  });

  it('answers an encoded lone surrogate in the code like any unknown code', async () => {
    const { body, created } = await fileCase();
    const res = await t.app.request(`/api/cases/${created.trackingCode}%ED%A0%80?phone4=${body.phone.slice(-4)}`);
    expect(res.status).toBe(404);
    expect(ErrorEnvelope.parse(await res.json()).error.message).toBe('未找到该案件，请核对查询码和手机号后四位');
  });
});

describe('status lookup rate limit', () => {
  const limited = useTestApp({ env: { LOOKUP_RATE_LIMIT: '3' } });

  it('stops a client guessing digits after its share', async () => {
    // An address of this run's own: the budget is kept in the database, which a rerun on PostgreSQL keeps.
    const client = { 'x-test-client': `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}` };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await limited.app.request(`/api/cases/ABCDEFGHJK?phone4=${String(i).padStart(4, '0')}`, { headers: client });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([404, 404, 404, 429, 429]);
  });
});
