import { eq } from 'drizzle-orm';
import { outbox } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';

const DELIVERED = new Set(['delivered', 'read']);
const FAILED = new Set(['failed', 'undelivered', 'bounced', 'complained', 'delivery_delayed']);

/**
 * What a provider later says about a message it took (Twilio status callback,
 * Resend event). It never re-sends: a bounced email or an undelivered SMS is
 * recorded on the row for the office to see. Returns whether a row matched.
 */
export async function recordDeliveryStatus({ ctx, input }: { ctx: Ctx; input: { providerMessageId: string; status: string; error?: string | undefined } }) {
  const status = input.status.toLowerCase();
  const rows = await ctx.db
    .update(outbox)
    .set({
      deliveryStatus: status,
      ...(DELIVERED.has(status) ? { deliveredAt: ctx.clock.now() } : {}),
      ...(FAILED.has(status) && input.error ? { lastError: input.error.slice(0, 500) } : {}),
    })
    .where(eq(outbox.providerMessageId, input.providerMessageId))
    .returning({ id: outbox.id });
  if (!rows.length) ctx.logger.warn('delivery status for an unknown message', { providerMessageId: input.providerMessageId, status });
  return rows.length > 0;
}
