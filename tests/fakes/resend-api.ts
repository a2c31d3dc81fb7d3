import { randomUUID } from 'node:crypto';
import { startHttpFake } from './http-fake.ts';

/** A local stand-in for Resend's POST /emails: Bearer key, JSON in, `{ id }` out, idempotent by Idempotency-Key. */
export async function startFakeResend(apiKey: string) {
  const byKey = new Map<string, string>();
  const fake = await startHttpFake((req) => {
    if (req.method !== 'POST' || req.path !== '/emails') return { status: 404, body: { name: 'not_found', message: 'not found', statusCode: 404 } };
    if (req.headers.authorization !== `Bearer ${apiKey}`) return { status: 401, body: { name: 'missing_api_key', message: 'Missing API key', statusCode: 401 } };
    const body = JSON.parse(req.body) as { to?: unknown; subject?: string };
    if (!body.to || !body.subject) return { status: 422, body: { name: 'validation_error', message: 'Missing `to` field.', statusCode: 422 } };
    const key = String(req.headers['idempotency-key'] ?? '');
    const id = (key && byKey.get(key)) || randomUUID();
    if (key) byKey.set(key, id);
    return { status: 200, body: { id } };
  });
  const emails = () =>
    fake.requests
      .filter((r) => r.path === '/emails')
      .map((r) => ({ ...(JSON.parse(r.body) as { to: string | string[]; subject: string; text: string; html: string; from: string }), idempotencyKey: String(r.headers['idempotency-key'] ?? '') }));
  return { ...fake, emails, uniqueSent: () => byKey.size };
}
