import { sql } from 'drizzle-orm';
import { compiledStatement } from '../../../db/statement.ts';
import type { CASE_KINDS, CHANNELS, PRIORITIES } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { invalidInput } from '../../errors.ts';
import type { Lang } from '../../i18n.ts';
import { workdayLookup } from '../deadlines/calendar.ts';
import { firstAlertAt } from '../deadlines/clocks.ts';
import { computeDeadlines } from '../deadlines/policy.ts';
import { parsePhone } from './phone.ts';
import { newTrackingCode } from './tracking-code.ts';

const CASE_VALUES = [
  'id', 'trackingCode', 'stationId', 'channel', 'externalRef', 'kind', 'categoryId', 'locationId', 'description',
  'phone', 'email', 'name', 'phone4', 'lang', 'priority', 'receivedAt', 'ackDueAt', 'contactDueAt', 'replyDueAt',
  'nextDueAt', 'nextAlertAt', 'now', 'actorType', 'actorId', 'eventData', 'receipt',
  'm0Channel', 'm0Recipient', 'm0Key', 'm1Channel', 'm1Recipient', 'm1Key',
] as const;

/**
 * The case, its `created` event and 0, 1 or 2 receipt messages in one
 * statement (one per receipt count, each compiled once). Either all of it is
 * committed or none of it is.
 */
const insertCase = [0, 1, 2].map((receipts) =>
  compiledStatement(CASE_VALUES, (p) => {
    const receiptRows = [
      sql`(${p.m0Channel}::outbox_channel, ${p.m0Recipient}, ${p.m0Key})`,
      sql`(${p.m1Channel}::outbox_channel, ${p.m1Recipient}, ${p.m1Key})`,
    ].slice(0, receipts);
    return sql`
      WITH new_case AS (
        INSERT INTO cases (
          id, tracking_code, station_id, channel, external_ref, kind, category_id, location_id,
          description, reporter_phone, reporter_email, reporter_name, reporter_phone4, lang,
          priority, status, received_at, ack_due_at, contact_due_at, reply_due_at, next_due_at,
          reply_started_at, next_alert_at, created_at, updated_at
        ) VALUES (
          ${p.id}::uuid, ${p.trackingCode}, ${p.stationId}, ${p.channel}::channel, ${p.externalRef},
          ${p.kind}::case_kind, ${p.categoryId}, ${p.locationId},
          ${p.description}, ${p.phone}, ${p.email}, ${p.name}, ${p.phone4}, ${p.lang},
          ${p.priority}::priority, 'new', ${p.receivedAt}::timestamptz,
          ${p.ackDueAt}::timestamptz, ${p.contactDueAt}::timestamptz, ${p.replyDueAt}::timestamptz, ${p.nextDueAt}::timestamptz,
          ${p.receivedAt}::timestamptz, ${p.nextAlertAt}::timestamptz, ${p.now}::timestamptz, ${p.now}::timestamptz
        )
        RETURNING id
      ), created_event AS (
        INSERT INTO case_events (case_id, type, at, actor_type, actor_id, is_public, data)
        SELECT id, 'created', ${p.now}::timestamptz, ${p.actorType}::actor_type, ${p.actorId}, true, ${p.eventData}::jsonb
        FROM new_case
      )${
        receipts > 0
          ? sql`, receipts AS (
        INSERT INTO outbox (channel, recipient, template, lang, payload, idempotency_key, next_attempt_at, case_id)
        SELECT v.channel, v.recipient, 'receipt', ${p.lang}, ${p.receipt}::jsonb, v.idempotency_key, ${p.now}::timestamptz, new_case.id
        FROM new_case, (VALUES ${sql.join(receiptRows, sql`, `)}) AS v(channel, recipient, idempotency_key)
      )`
          : sql``
      }
      SELECT id FROM new_case`;
  }),
);

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
  const phoneRequired = input.channel === 'web' || input.channel === 'sms' || input.channel === 'open311';
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
    ...computeDeadlines(
      ref.policies,
      { channel: input.channel, kind: input.kind, categoryId: category.id, priority, receivedAt },
      workdayLookup(ref.workdays),
    ),
    ...(input.deadlines?.ackDueAt ? { ackDueAt: input.deadlines.ackDueAt } : {}),
    ...(input.deadlines?.replyDueAt ? { replyDueAt: input.deadlines.replyDueAt } : {}),
  };

  const nextDueAt = new Date(Math.min(deadlines.ackDueAt.getTime(), deadlines.contactDueAt.getTime(), deadlines.replyDueAt.getTime()));
  const clockFields = { status: 'new', priority, receivedAt, replyStartedAt: receivedAt, acknowledgedAt: null, contactedAt: null, repliedAt: null, ...deadlines };
  // Red reaches supervisors at once; otherwise the sweeper first looks at the earliest warning.
  const nextAlertAt = priority === 'red' ? now : (firstAlertAt(clockFields) ?? nextDueAt);

  for (let attempt = 1; ; attempt++) {
    const id = crypto.randomUUID();
    const trackingCode = newTrackingCode();
    const receipt = { trackingCode, replyDueAt: deadlines.replyDueAt.toISOString(), station: station.code };
    const messages = [
      // An SMS filing is answered in the same exchange (TwiML), so it needs no receipt SMS.
      ...(phone && input.channel !== 'sms' ? [{ channel: 'sms', recipient: phone.e164, key: `receipt:sms:${id}` }] : []),
      ...(input.email ? [{ channel: 'email', recipient: input.email, key: `receipt:email:${id}` }] : []),
    ];
    const at = now.toISOString();
    const received = receivedAt.toISOString();
    try {
      await insertCase[messages.length]!(ctx.db, {
        id,
        trackingCode,
        stationId: station.id,
        channel: input.channel,
        externalRef: input.externalRef ?? null,
        kind: input.kind,
        categoryId: category.id,
        locationId: location?.id ?? null,
        description: input.description,
        phone: phone?.e164 ?? null,
        email: input.email ?? null,
        name: input.name ?? null,
        phone4: phone?.last4 ?? null,
        lang: input.lang,
        priority,
        receivedAt: received,
        ackDueAt: deadlines.ackDueAt.toISOString(),
        contactDueAt: deadlines.contactDueAt.toISOString(),
        replyDueAt: deadlines.replyDueAt.toISOString(),
        nextDueAt: nextDueAt.toISOString(),
        nextAlertAt: nextAlertAt.toISOString(),
        now: at,
        actorType: input.actor?.type ?? 'citizen',
        actorId: input.actor?.id ?? null,
        eventData: JSON.stringify({ channel: input.channel, receivedAt: received }),
        receipt: JSON.stringify(receipt),
        m0Channel: messages[0]?.channel,
        m0Recipient: messages[0]?.recipient,
        m0Key: messages[0]?.key,
        m1Channel: messages[1]?.channel,
        m1Recipient: messages[1]?.recipient,
        m1Key: messages[1]?.key,
      });
      return { id, trackingCode, status: 'new', receivedAt, ...deadlines };
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
