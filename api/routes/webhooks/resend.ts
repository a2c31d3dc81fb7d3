import { createRoute, z } from '@hono/zod-openapi';
import { recordResendEvent } from '../../domain/outbox/delivery-status.ts';
import { DomainError } from '../../errors.ts';
import { errorResponses } from '../../http/envelope.ts';
import { verifySvix } from '../../http/signatures.ts';
import type { WebhookRouter } from '../routers.ts';

const ResendEvent = z
  .object({ type: z.string().max(64), created_at: z.string().optional(), data: z.object({ email_id: z.string().max(128) }).passthrough() })
  .passthrough()
  .openapi('ResendEvent');

export const resendRoute = createRoute({
  method: 'post',
  path: '/webhooks/resend',
  tags: ['webhooks'],
  summary: 'Resend delivery events (Svix-signed)',
  responses: {
    204: { description: 'Recorded, or already recorded (a redelivery of the same svix-id changes nothing)' },
    ...errorResponses({ 400: 'Not an event', 401: 'Bad, missing or stale signature' }),
  },
});

export function registerResendRoutes(router: WebhookRouter) {
  // The raw body is what was signed, so it is read as text before any parsing.
  router.openapi(resendRoute, async (c) => {
    const raw = await c.req.text();
    const secret = c.get('ctx').config.resendWebhookSecret;
    const ok =
      secret !== undefined &&
      (await verifySvix(secret, { id: c.req.header('svix-id'), timestamp: c.req.header('svix-timestamp'), signature: c.req.header('svix-signature') }, raw, c.get('ctx').clock.now()));
    if (!ok) throw new DomainError('invalid_signature', 'signature.invalid');
    let event: z.infer<typeof ResendEvent>;
    try {
      event = ResendEvent.parse(JSON.parse(raw));
    } catch {
      throw new DomainError('invalid_input', 'invalid_body');
    }
    const status = event.type.startsWith('email.') ? event.type.slice(6) : event.type;
    const bounce = (event.data as { bounce?: { message?: string } }).bounce?.message;
    const outcome = await recordResendEvent({
      ctx: c.get('ctx'),
      input: { eventId: c.req.header('svix-id')!, providerMessageId: event.data.email_id, status, error: bounce, at: eventTime(event.created_at, c.req.header('svix-timestamp')!) },
    });
    if (outcome !== 'recorded') c.get('ctx').logger.info('resend event not applied', { requestId: c.get('requestId'), outcome, status });
    return c.body(null, 204);
  });
}

/**
 * When the event happened: Resend dates each event in its payload. The
 * svix-timestamp is when this delivery attempt was signed (a retry hours
 * later carries a later one), so it only stands in when the payload has no date.
 */
function eventTime(createdAt: string | undefined, svixTimestamp: string): Date {
  const dated = createdAt === undefined ? Number.NaN : Date.parse(createdAt);
  return Number.isNaN(dated) ? new Date(Number(svixTimestamp) * 1000) : new Date(dated);
}
