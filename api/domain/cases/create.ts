import type { CASE_KINDS, CHANNELS, PRIORITIES } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { invalidInput } from '../../errors.ts';
import type { Lang } from '../../i18n.ts';
import { workdayLookup } from '../deadlines/calendar.ts';
import { firstAlertAt } from '../deadlines/clocks.ts';
import { computeDeadlines } from '../deadlines/policy.ts';
import { parsePhone } from './phone.ts';
import { newTrackingCode } from './tracking-code.ts';
import { type NewCaseMessage, writeCases } from './write.ts';

export interface CreateCaseInput {
  station: string;
  kind: (typeof CASE_KINDS)[number];
  category: string;
  location?: string | undefined;
  description: string;
  /** Required on the public channels; a walk-in or the complaint box may leave none. */
  phone?: string | undefined;
  email?: string | undefined;
  name?: string | undefined;
  lang: Lang;
  channel: (typeof CHANNELS)[number];
  /** When the office received it; deadlines run from here. Defaults to now. */
  receivedAt?: Date | undefined;
  priority?: (typeof PRIORITIES)[number] | undefined;
  externalRef?: string | undefined;
  /** A 12345 order's own deadlines win over local policy (DESIGN: "the order's own deadline wins"). */
  deadlines?: { ackDueAt?: Date | undefined; replyDueAt?: Date | undefined } | undefined;
  actor?: { type: 'citizen' | 'staff' | 'system' | 'feed'; id?: string | undefined };
}

export interface CreatedCase {
  id: string;
  trackingCode: string;
  /** Open311's id (service_request_id), never the tracking code. */
  publicId: string;
  status: 'new';
  receivedAt: Date;
  ackDueAt: Date;
  contactDueAt: Date;
  replyDueAt: Date;
}

/**
 * Files a case: validates its references, computes its deadlines, and writes the
 * case, its `created` timeline event and the receipt messages (SMS with the
 * tracking code; email when given) to the outbox in one statement, so either
 * all of it is committed or none of it is.
 */
export async function createCase({ ctx, input }: { ctx: Ctx; input: CreateCaseInput }): Promise<CreatedCase> {
  const ref = await ctx.reference.get(ctx.db);
  const station = ref.stationsByCode.get(input.station);
  const category = ref.categoriesByCode.get(input.category);
  const location = input.location ? station && ref.locationsByStation.get(station.id)?.get(input.location) : undefined;
  // Open311 clients may file without one: the filing app is then the citizen's channel (cases.api_key_id).
  const phoneRequired = input.channel === 'web' || input.channel === 'sms';
  const phone = input.phone?.trim() ? parsePhone(input.phone) : undefined;
  const phoneBad = input.phone?.trim() ? !phone : phoneRequired;
  const problems = [
    !station && { field: 'station', code: 'unknown', message: 'station.unknown' },
    !category && { field: 'category', code: 'unknown', message: 'category.unknown' },
    input.location && station && !location && { field: 'location', code: 'unknown', message: 'location.unknown' },
    phoneBad && { field: 'phone', code: 'invalid', message: 'phone.invalid' },
  ].filter((p): p is { field: string; code: string; message: string } => Boolean(p));
  if (problems.length > 0 || !station || !category) {
    throw invalidInput('invalid_input', problems, { fields: problems.map((p) => p.field).join(', ') });
  }

  const now = ctx.clock.now();
  const receivedAt = input.receivedAt ?? now;
  const priority = input.priority ?? category.defaultPriority;
  const deadlines = {
    ...computeDeadlines(ref.policies, { channel: input.channel, kind: input.kind, categoryId: category.id, priority, receivedAt }, workdayLookup(ref.workdays), {
      officeHoursEnd: ctx.config.deadlines.officeHoursEnd,
      replyDueAt: input.deadlines?.replyDueAt,
    }),
    ...(input.deadlines?.ackDueAt ? { ackDueAt: input.deadlines.ackDueAt } : {}),
  };

  const nextDueAt = new Date(Math.min(deadlines.ackDueAt.getTime(), deadlines.contactDueAt.getTime(), deadlines.replyDueAt.getTime()));
  const clockFields = { status: 'new', priority, receivedAt, replyStartedAt: receivedAt, acknowledgedAt: null, contactedAt: null, repliedAt: null, ...deadlines };
  // Red reaches supervisors at once; otherwise the sweeper first looks at the earliest warning.
  const nextAlertAt = priority === 'red' ? now : (firstAlertAt(clockFields) ?? nextDueAt);

  for (let attempt = 1; ; attempt++) {
    const id = crypto.randomUUID();
    const trackingCode = newTrackingCode();
    const payload = { trackingCode, replyDueAt: deadlines.replyDueAt.toISOString(), station: station.code };
    const messages: NewCaseMessage[] = [
      // An SMS filing is answered in the same exchange (TwiML), so it needs no receipt SMS.
      ...(phone && input.channel !== 'sms' ? [{ channel: 'sms' as const, recipient: phone.e164, template: 'receipt', payload, idempotencyKey: `receipt:sms:${id}` }] : []),
      ...(input.email ? [{ channel: 'email' as const, recipient: input.email, template: 'receipt', payload, idempotencyKey: `receipt:email:${id}` }] : []),
    ];
    try {
      const [written] = await writeCases(ctx, [
        {
          row: {
            id,
            trackingCode,
            stationId: station.id,
            channel: input.channel,
            externalRef: input.externalRef ?? null,
            kind: input.kind,
            categoryId: category.id,
            locationId: location?.id ?? null,
            description: input.description,
            reporterPhone: phone?.e164 ?? null,
            reporterEmail: input.email ?? null,
            reporterName: input.name ?? null,
            reporterPhone4: phone?.last4 ?? null,
            lang: input.lang,
            priority,
            receivedAt,
            ackDueAt: deadlines.ackDueAt,
            contactDueAt: deadlines.contactDueAt,
            replyDueAt: deadlines.replyDueAt,
            nextDueAt,
            nextAlertAt,
          },
          actor: { type: input.actor?.type ?? 'citizen', id: input.actor?.id ?? null },
          event: { channel: input.channel, receivedAt: receivedAt.toISOString() },
          messages,
        },
      ]);
      return { id, trackingCode, publicId: written!.publicId, status: 'new', receivedAt, ...deadlines };
    } catch (err) {
      // A repeated tracking code is a ~2^-49 event; draw again. Inside an outer
      // transaction the failed statement has already aborted it, so give up there.
      if (attempt < 3 && !ctx.inTransaction && isTrackingCodeClash(err)) continue;
      throw err;
    }
  }
}

function isTrackingCodeClash(err: unknown): boolean {
  const e = err as { code?: string; constraint_name?: string; constraint?: string; cause?: unknown };
  const inner = (e.cause ?? e) as { code?: string; constraint_name?: string; constraint?: string };
  return inner.code === '23505' && (inner.constraint_name ?? inner.constraint) === 'cases_tracking_code_uq';
}
