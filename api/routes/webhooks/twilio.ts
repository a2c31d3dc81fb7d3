import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../context.ts';
import { storableText, text } from '../../contract/text.ts';
import { recordDeliveryStatus } from '../../domain/outbox/delivery-status.ts';
import { handleInboundSms } from '../../domain/sms/inbound.ts';
import { DomainError } from '../../errors.ts';
import { verifyTwilio } from '../../http/signatures.ts';
import type { WebhookRouter } from '../routers.ts';

/*
 * Twilio's webhooks: form-encoded, signed with X-Twilio-Signature over the URL
 * Twilio called (PUBLIC_BASE_URL says what that is behind a proxy). A missing
 * or wrong signature is a 403 and nothing is stored.
 *
 * A NUL or a broken character in an SMS body is cleaned, not refused: the
 * citizen cannot be asked to resend, and Twilio wants its TwiML. Twilio's own
 * fields (the sender, the ids) holding one are not Twilio's: a 400.
 */
const TwilioInbound = z
  .object({ MessageSid: text().min(1).max(64), From: text().min(1).max(32), Body: z.string().max(1600).transform(storableText) })
  .passthrough()
  .openapi('TwilioInboundSms');
const TwilioStatus = z
  .object({ MessageSid: text().min(1).max(64), MessageStatus: text().min(1).max(32), ErrorCode: text().max(16).optional() })
  .passthrough()
  .openapi('TwilioStatusCallback');

/** The parameters exactly as Twilio sent them: every field counts towards the signature. */
async function formParams(c: Context): Promise<Record<string, string>> {
  const raw = await c.req.text();
  return Object.fromEntries(new URLSearchParams(raw));
}

const verified: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = c.get('ctx').config.twilioAuthToken;
  const url = new URL(c.req.url);
  const calledUrl = `${c.get('ctx').config.publicBaseUrl}${url.pathname}${url.search}`;
  const params = await formParams(c);
  if (!token || !(await verifyTwilio(token, calledUrl, params, c.req.header('x-twilio-signature')))) {
    c.get('ctx').logger.warn('twilio webhook refused: bad signature', { requestId: c.get('requestId'), path: url.pathname });
    throw new DomainError('forbidden', 'signature.invalid');
  }
  await next();
};

export const smsRoute = createRoute({
  method: 'post',
  path: '/webhooks/twilio/sms',
  tags: ['webhooks'],
  summary: 'Twilio inbound SMS: status queries, ratings, STOP/START/HELP, new complaints; answers TwiML',
  request: { body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: TwilioInbound } } } },
  responses: { 200: { description: 'TwiML', content: { 'text/xml': { schema: z.string() } } }, 403: { description: 'Bad or missing signature' } },
});

export const statusRoute = createRoute({
  method: 'post',
  path: '/webhooks/twilio/status',
  tags: ['webhooks'],
  summary: 'Twilio delivery status callbacks',
  request: { body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: TwilioStatus } } } },
  responses: { 204: { description: 'Recorded' }, 403: { description: 'Bad or missing signature' } },
});

function twiml(message: string): string {
  const escaped = message.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escaped}</Message></Response>`;
}

export function registerTwilioRoutes(router: WebhookRouter) {
  router.openapi({ ...smsRoute, middleware: [verified] }, async (c) => {
    const form = c.req.valid('form');
    const reply = await handleInboundSms({ ctx: c.get('ctx'), input: { messageSid: form.MessageSid, from: form.From, body: form.Body } });
    return c.body(twiml(reply), 200, { 'content-type': 'text/xml; charset=utf-8' });
  });
  router.openapi({ ...statusRoute, middleware: [verified] }, async (c) => {
    const form = c.req.valid('form');
    await recordDeliveryStatus({
      ctx: c.get('ctx'),
      input: { providerMessageId: form.MessageSid, status: form.MessageStatus, error: form.ErrorCode ? `twilio error ${form.ErrorCode}` : undefined },
    });
    return c.body(null, 204);
  });
}
