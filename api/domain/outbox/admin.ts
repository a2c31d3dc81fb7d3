import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { type OUTBOX_CHANNELS, type OUTBOX_STATUSES, outbox } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import { maskPhone } from '../cases/phone.ts';
import { renderEmail, renderSms } from '../messages/templates.ts';
import type { Staff } from '../staff/session.ts';

/**
 * The outbox viewer: what the office sent, or (with no provider configured)
 * what it would have sent, rendered as the recipient sees it. Recipients are
 * masked; the text is what the citizen received anyway.
 */
export async function listOutbox({
  ctx,
  staff,
  input,
}: {
  ctx: Ctx;
  staff: Staff;
  input: { status?: (typeof OUTBOX_STATUSES)[number] | undefined; channel?: (typeof OUTBOX_CHANNELS)[number] | undefined; before?: number | undefined; limit: number };
}) {
  if (staff.role !== 'admin' && staff.role !== 'supervisor') throw new DomainError('forbidden', 'forbidden');
  const conditions: SQL[] = [];
  if (input.status) conditions.push(eq(outbox.status, input.status));
  if (input.channel) conditions.push(eq(outbox.channel, input.channel));
  if (input.before) conditions.push(lt(outbox.id, input.before));
  const rows = await ctx.db
    .select()
    .from(outbox)
    .where(and(...conditions))
    .orderBy(desc(outbox.id))
    .limit(input.limit);
  return rows.map((r) => {
    const lang = r.lang === 'en' ? 'en' : 'zh-CN';
    let preview: { subject: string | null; text: string };
    try {
      preview =
        r.channel === 'sms'
          ? { subject: null, text: renderSms(r.template, lang, r.payload, ctx.config.publicBaseUrl) }
          : r.channel === 'email'
            ? (({ subject, text }) => ({ subject, text }))(renderEmail(r.template, lang, r.payload, ctx.config.publicBaseUrl))
            : { subject: null, text: JSON.stringify(r.payload) };
    } catch (err) {
      preview = { subject: null, text: `(cannot render: ${(err as Error).message})` };
    }
    return {
      id: r.id,
      channel: r.channel,
      recipient: r.channel === 'sms' ? maskPhone(r.recipient) : r.channel === 'email' ? r.recipient.replace(/^(.).*(@.*)$/, '$1***$2') : r.recipient,
      template: r.template,
      lang: r.lang,
      status: r.status,
      attempts: r.attempts,
      provider: r.provider,
      deliveryStatus: r.deliveryStatus,
      lastError: r.lastError,
      caseId: r.caseId,
      createdAt: r.createdAt,
      sentAt: r.sentAt,
      nextAttemptAt: r.nextAttemptAt,
      ...preview,
    };
  });
}

/** An admin sends a dead (or failed) row again, with a fresh set of attempts. */
export async function retryOutbox({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { id: number } }) {
  if (staff.role !== 'admin') throw new DomainError('forbidden', 'admin.only');
  const [row] = await ctx.db.select({ status: outbox.status }).from(outbox).where(eq(outbox.id, input.id));
  if (!row) throw notFound('outbox.not_found');
  if (row.status !== 'dead' && row.status !== 'failed') throw new DomainError('conflict', 'outbox.not_retryable', { status: row.status });
  await ctx.db.update(outbox).set({ status: 'pending', attempts: 0, nextAttemptAt: ctx.clock.now() }).where(eq(outbox.id, input.id));
  ctx.logger.info('outbox row retried', { requestId: ctx.requestId, staffId: staff.id, outboxId: input.id });
  return { id: input.id, status: 'pending' as const };
}
