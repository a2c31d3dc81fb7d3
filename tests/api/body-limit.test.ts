import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_BODY_LIMIT, WEBHOOK_BODY_LIMIT } from '../../api/app.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { INTAKE_BODY_LIMIT } from '../../api/routes/public/cases.ts';
import { CreatedCase } from '../../api/routes/public/schemas.ts';
import { cases } from '../../db/schema.ts';
import { uniquePhone, useTestApp } from '../helpers/app.ts';
import { makeCaseBody } from '../helpers/factories.ts';

/**
 * The body limit over real HTTP on the Node server: a declared Content-Length
 * is judged from the header, a chunked body by counting what arrives.
 */
const t = useTestApp();
let server: ReturnType<typeof serve>;
let port: number;

beforeAll(async () => {
  server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function post(body: string, { chunked, path = '/api/cases', type = 'application/json' }: { chunked: boolean; path?: string; type?: string }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': type };
    if (!chunked) headers['content-length'] = String(Buffer.byteLength(body));
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    if (chunked) {
      // Several writes without a length: Node sends Transfer-Encoding: chunked.
      for (let i = 0; i < body.length; i += 4096) req.write(body.slice(i, i + 4096));
      req.end();
    } else {
      req.end(body);
    }
  });
}

const rowsWithPhone = async (phone: string) =>
  t.db
    .select({ id: cases.id })
    .from(cases)
    .where(eq(cases.reporterPhone, `+86${phone}`));

describe('intake body limit over HTTP', () => {
  for (const chunked of [false, true]) {
    const how = chunked ? 'chunked' : 'with Content-Length';
    it(`files a case sent ${how}`, async () => {
      const phone = uniquePhone();
      const res = await post(JSON.stringify(makeCaseBody({ phone })), { chunked });
      expect(res.status).toBe(201);
      CreatedCase.parse(JSON.parse(res.text));
      expect(await rowsWithPhone(phone)).toHaveLength(1);
    });

    it(`refuses a body over the limit sent ${how} with 413, filing nothing`, async () => {
      const phone = uniquePhone();
      const body = JSON.stringify(makeCaseBody({ phone, description: 'x'.repeat(INTAKE_BODY_LIMIT + 1) }));
      const res = await post(body, { chunked });
      expect(res.status).toBe(413);
      expect(ErrorEnvelope.parse(JSON.parse(res.text)).error.code).toBe('invalid_input');
      expect(await rowsWithPhone(phone)).toHaveLength(0);
    });
  }
});

/**
 * The callbacks of Twilio and Resend and the staff sign-in are small; their
 * bodies are refused from the declared length, or by counting a streamed one,
 * before a signature is checked or a password hashed.
 */
describe('small bodies on webhooks and sign-in', () => {
  const capped = [
    { path: '/webhooks/twilio/sms', limit: WEBHOOK_BODY_LIMIT, type: 'application/x-www-form-urlencoded', field: 'Body' },
    { path: '/webhooks/twilio/status', limit: WEBHOOK_BODY_LIMIT, type: 'application/x-www-form-urlencoded', field: 'MessageStatus' },
    { path: '/webhooks/resend', limit: WEBHOOK_BODY_LIMIT, type: 'application/json', field: 'type' },
    { path: '/api/staff/session', limit: SIGN_IN_BODY_LIMIT, type: 'application/json', field: 'password' },
  ];
  const bodyOf = (type: string, field: string, size: number) => (type === 'application/json' ? JSON.stringify({ [field]: 'x'.repeat(size) }) : `${field}=${'x'.repeat(size)}`);

  for (const { path, limit, type, field } of capped) {
    for (const chunked of [false, true]) {
      it(`refuses ${path} over ${limit / 1024} kB ${chunked ? 'chunked' : 'with Content-Length'} with 413`, async () => {
        const res = await post(bodyOf(type, field, limit + 1), { chunked, path, type });
        expect(res.status).toBe(413);
        expect(ErrorEnvelope.parse(JSON.parse(res.text)).error.code).toBe('invalid_input');
      });
    }
    it(`still reads ${path} within its limit (answered by the route, not the cap)`, async () => {
      const res = await post(bodyOf(type, field, 100), { chunked: true, path, type });
      expect(res.status).not.toBe(413);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    });
  }
});
