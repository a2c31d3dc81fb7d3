import { sql } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';
import { type ACTOR_TYPES, cases, type outbox } from '../../../db/schema.ts';
import { compiledStatement } from '../../../db/statement.ts';
import type { Ctx } from '../../context.ts';

/**
 * The columns a new case is written with, from every channel. The row type,
 * the statement's input record (with each column's SQL type from the schema)
 * and its column list all come from this one list: a column added here is
 * one edit, and the compiler then asks every channel for its value.
 */
const CASE_COLUMNS = [
  'id', 'trackingCode', 'stationId', 'channel', 'externalRef', 'kind', 'categoryId', 'locationId', 'description',
  'reporterPhone', 'reporterEmail', 'reporterName', 'reporterPhone4', 'lang', 'priority',
  'receivedAt', 'ackDueAt', 'contactDueAt', 'replyDueAt', 'nextDueAt', 'nextAlertAt',
] as const satisfies ReadonlyArray<keyof typeof cases.$inferInsert>;

type CaseInsert = typeof cases.$inferInsert;
/** A new case's own values: every written column present (null where none), none left to chance. */
export type NewCaseRow = { [K in (typeof CASE_COLUMNS)[number]]-?: Exclude<CaseInsert[K], undefined> };

/** A message queued with the case, in the same statement (a receipt). Its language is the case's. */
export type NewCaseMessage = Required<Pick<typeof outbox.$inferInsert, 'channel' | 'recipient' | 'template' | 'payload' | 'idempotencyKey'>>;

export interface NewCase {
  row: NewCaseRow;
  /** Who filed it, named by the `created` event. */
  actor: { type: (typeof ACTOR_TYPES)[number]; id: string | null };
  /** The `created` event's data (public: the citizen's timeline shows its public keys). */
  event: Record<string, unknown>;
  messages?: NewCaseMessage[];
  /** A 12345 order: its last-applied version, kept in feed_orders under the order number (the row's externalRef). */
  feedOrder?: object;
}

export interface WrittenCase {
  id: string;
  trackingCode: string;
}

/*
 * One statement for any number of cases: the rows travel as one jsonb value,
 * so its text is the same for one web complaint and for a push of 500 orders,
 * built once per process and kept prepared by the pool. What every new case
 * starts with (status, reply clock, timestamps) is set here, not by channels.
 */
const insertCases = (onConflict: 'fail' | 'skip') =>
  compiledStatement<'rows' | 'now', WrittenCase>(['rows', 'now'], (p) => {
    const field = (k: string) => sql.identifier(k);
    const record = sql.join(
      [
        ...CASE_COLUMNS.map((k) => sql`${field(k)} ${sql.raw(cases[k].getSQLType())}`),
        sql`"actorType" actor_type, "actorId" text, "event" jsonb, "messages" jsonb, "feedOrder" jsonb`,
      ],
      sql`, `,
    );
    const columns = sql.join(CASE_COLUMNS.map((k) => sql.identifier(toSnakeCase(k))), sql`, `);
    const values = sql.join(CASE_COLUMNS.map(field), sql`, `);
    return sql`
      WITH input AS (
        SELECT * FROM jsonb_to_recordset(${p.rows}::jsonb) AS x(${record})
      ), new_cases AS (
        INSERT INTO cases (${columns}, status, reply_started_at, created_at, updated_at)
        SELECT ${values}, 'new', "receivedAt", ${p.now}::timestamptz, ${p.now}::timestamptz
        FROM input ORDER BY "externalRef"
        ${onConflict === 'skip' ? sql`ON CONFLICT (channel, external_ref) DO NOTHING` : sql``}
        RETURNING id, tracking_code AS "trackingCode"
      ), created_events AS (
        INSERT INTO case_events (case_id, type, at, actor_type, actor_id, is_public, data)
        SELECT i.id, 'created', ${p.now}::timestamptz, i."actorType", i."actorId", true, i.event
        FROM input i JOIN new_cases n ON n.id = i.id
      ), messages AS (
        INSERT INTO outbox (channel, recipient, template, lang, payload, idempotency_key, next_attempt_at, case_id)
        SELECT m.channel, m.recipient, m.template, i.lang, m.payload, m."idempotencyKey", ${p.now}::timestamptz, i.id
        FROM input i JOIN new_cases n ON n.id = i.id,
          jsonb_to_recordset(i.messages) AS m(channel outbox_channel, recipient text, template text, payload jsonb, "idempotencyKey" text)
      ), feed_orders AS (
        INSERT INTO feed_orders (order_no, case_id, snapshot, created_at, updated_at)
        SELECT i."externalRef", i.id, i."feedOrder", ${p.now}::timestamptz, ${p.now}::timestamptz
        FROM input i JOIN new_cases n ON n.id = i.id
        WHERE i."feedOrder" IS NOT NULL
      )
      SELECT id, "trackingCode" FROM new_cases`;
  });

/** Exposed for the test that catches a drizzle or driver upgrade breaking the compiled path. */
export const caseStatements = { fail: insertCases('fail'), skip: insertCases('skip') };

/**
 * Writes new cases, each with its `created` event, its messages and (12345) its
 * order record, in one statement: all of it or none of it. The only writer of
 * new cases, for every channel. `onConflict: 'skip'` leaves out a case whose
 * (channel, externalRef) already exists — a 12345 order another push created —
 * instead of failing; the answer lists only the cases written.
 */
export async function writeCases(ctx: Ctx, rows: readonly NewCase[], options: { onConflict?: 'skip' } = {}): Promise<WrittenCase[]> {
  if (!rows.length) return [];
  const input = rows.map((c) => ({
    ...c.row,
    actorType: c.actor.type,
    actorId: c.actor.id,
    event: c.event,
    messages: c.messages ?? [],
    feedOrder: c.feedOrder ?? null,
  }));
  const statement = options.onConflict === 'skip' ? caseStatements.skip : caseStatements.fail;
  return statement(ctx.db, { rows: JSON.stringify(input), now: ctx.clock.now().toISOString() });
}
