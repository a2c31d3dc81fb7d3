import { randomUUID } from 'node:crypto';
import { startHttpFake } from './http-fake.ts';

/**
 * A local stand-in for Twilio's Messages API that speaks its wire format:
 * Basic auth with the account SID and auth token, a form-encoded body, a JSON
 * message resource back. Repeats of one idempotency token return the first
 * message, as Twilio does.
 */
export async function startFakeTwilio(accountSid: string, authToken: string) {
  const byToken = new Map<string, string>();
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const fake = await startHttpFake((req) => {
    if (req.method !== 'POST' || req.path !== `/2010-04-01/Accounts/${accountSid}/Messages.json`) return { status: 404, body: { code: 20404, message: 'not found' } };
    if (req.headers.authorization !== expectedAuth) return { status: 401, body: { code: 20003, message: 'Authenticate' } };
    const form = new URLSearchParams(req.body);
    if (!form.get('To') || !form.get('Body') || !form.get('From')) return { status: 400, body: { code: 21604, message: 'A To, From and Body are required' } };
    if (form.get('To') === '+8613800000400') return { status: 400, body: { code: 21211, message: "The 'To' number is not a valid phone number." } };
    const token = String(req.headers['i-twilio-idempotency-token'] ?? '');
    const sid = (token && byToken.get(token)) || `SM${randomUUID().replace(/-/g, '')}`;
    if (token) byToken.set(token, sid);
    return { status: 201, body: { sid, status: 'queued', to: form.get('To'), from: form.get('From'), body: form.get('Body') } };
  });
  const messages = () =>
    fake.requests
      .filter((r) => r.path.endsWith('/Messages.json') && r.method === 'POST')
      .map((r) => {
        const form = new URLSearchParams(r.body);
        return {
          To: form.get('To') ?? '',
          From: form.get('From') ?? '',
          Body: form.get('Body') ?? '',
          StatusCallback: form.get('StatusCallback') ?? '',
          idempotencyToken: String(r.headers['i-twilio-idempotency-token'] ?? ''),
        };
      });
  return { ...fake, messages, uniqueSent: () => byToken.size };
}
