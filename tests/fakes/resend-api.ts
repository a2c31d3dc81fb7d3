import { randomUUID } from 'node:crypto';
import { type FakeAnswer, startHttpFake } from './http-fake.ts';

export interface FakeResendEmail {
  id: string;
  from: string;
  to: string | string[];
  subject: string;
  text: string;
  html: string;
  idempotencyKey: string;
}

const KEY_TTL_MS = 24 * 3600_000;

/**
 * A local stand-in for Resend's POST /emails, true to its documented
 * behaviour: Bearer key, JSON in, `{ id }` out. An Idempotency-Key is kept for
 * 24 hours: a repeat with the same payload gets the first email's id and sends
 * nothing; the same key with another payload is 409 invalid_idempotent_request;
 * a key over 256 characters is 400 invalid_idempotency_key. Rate limiting is
 * 429 rate_limit_exceeded with a retry-after header (seconds).
 */
export interface FakeResendOptions {
  now?: () => Date;
  /** The account's domains, listed by GET /domains (default: one verified, example.org). */
  domains?: Array<{ name: string; status: 'verified' | 'pending' | 'not_started' | 'failed' | 'temporary_failure' }>;
  /** A key with "sending access" only: Resend answers 401 restricted_api_key to everything but sending. */
  sendingOnly?: boolean;
}

export async function startFakeResend(apiKey: string, options: FakeResendOptions = {}) {
  const now = options.now ?? (() => new Date());
  const sent: FakeResendEmail[] = [];
  const byKey = new Map<string, { id: string; payload: string; at: number }>();
  const faults: ('reset' | 'hang' | 500)[] = [];
  let rateLimited: { count: number; retryAfterSeconds: number } = { count: 0, retryAfterSeconds: 1 };
  const error = (statusCode: number, name: string, message: string): FakeAnswer => ({ status: statusCode, body: { statusCode, name, message } });

  const domains = (options.domains ?? [{ name: 'example.org', status: 'verified' }]).map((d, i) => ({
    id: `d91cd9bd-1176-453e-8fc1-35364d38050${i}`,
    name: d.name,
    status: d.status,
    created_at: '2026-01-05 08:00:00.000000+00',
    region: 'us-east-1',
  }));

  const fake = await startHttpFake((req) => {
    // GET /domains (read-only): what `npm run doctor` lists to check the key.
    if (req.method === 'GET' && req.path === '/domains') {
      if (!req.headers.authorization) return error(401, 'missing_api_key', 'Missing API key in the authorization header.');
      if (req.headers.authorization !== `Bearer ${apiKey}`) return error(403, 'invalid_api_key', 'API key is invalid.');
      if (options.sendingOnly) return error(401, 'restricted_api_key', 'This API key is restricted to only send emails');
      return { status: 200, body: { object: 'list', has_more: false, data: domains } };
    }
    if (req.method !== 'POST' || req.path !== '/emails') return error(404, 'not_found', 'The requested endpoint does not exist.');
    if (!req.headers.authorization) return error(401, 'missing_api_key', 'Missing API key in the authorization header.');
    if (req.headers.authorization !== `Bearer ${apiKey}`) return error(403, 'invalid_api_key', 'API key is invalid.');
    if (rateLimited.count > 0) {
      rateLimited.count--;
      return { ...(error(429, 'rate_limit_exceeded', 'Too many requests.') as { status: number; body: unknown }), headers: { 'retry-after': String(rateLimited.retryAfterSeconds) } };
    }
    const body = JSON.parse(req.body) as { to?: string | string[]; subject?: string; from?: string; text?: string; html?: string };
    if (!body.to) return error(422, 'missing_required_field', 'Missing `to` field.');
    if (!body.subject) return error(422, 'missing_required_field', 'Missing `subject` field.');
    const key = String(req.headers['idempotency-key'] ?? '');
    if (key.length > 256) return error(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.');
    const at = now().getTime();
    const earlier = key ? byKey.get(key) : undefined;
    if (earlier && at - earlier.at < KEY_TTL_MS) {
      if (earlier.payload !== req.body) return error(409, 'invalid_idempotent_request', 'Same idempotency key used with a different request payload.');
      return { status: 200, body: { id: earlier.id } };
    }
    const id = randomUUID();
    sent.push({ id, from: body.from ?? '', to: body.to, subject: body.subject, text: body.text ?? '', html: body.html ?? '', idempotencyKey: key });
    if (key) byKey.set(key, { id, payload: req.body, at });
    const fault = faults.shift();
    if (fault === 'reset' || fault === 'hang') return fault;
    if (fault) return error(500, 'internal_server_error', 'An unexpected error occurred.');
    return { status: 200, body: { id } };
  });
  return {
    ...fake,
    /** Every email Resend took (and so will deliver), in order. */
    emails: () => [...sent],
    uniqueSent: () => sent.length,
    /** The next accepted emails are kept, then the answer goes wrong in these ways, in order. */
    failAfterAccepting(...next: ('reset' | 'hang' | 500)[]) {
      faults.push(...next);
    },
    /** Refuse the next `count` requests with 429 and this Retry-After. */
    rateLimitNext(count: number, retryAfterSeconds: number) {
      rateLimited = { count, retryAfterSeconds };
    },
  };
}
