import { type Placeholder, type SQL, sql } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';
import { type ACTOR_TYPES, cases, type outbox } from '../../../db/schema.ts';
import { type CompiledStatement, compiledStatement } from '../../../db/statement.ts';
import type { Ctx } from '../../context.ts';

/**
 * The columns a new case is written with, from every channel. The row type,
 * the statement's input record (with each column's SQL type from the schema)
 * and its column list all come from this one list: a column added here is
 * one edit, and the compiler then asks every channel for its value.
 */
const CASE_COLUMNS = [
  'id',
  'trackingCode',
  'stationId',
  'channel',
  'externalRef',
  'kind',
  'categoryId',
  'locationId',
  'description',
  'reporterPhone',
  'reporterEmail',
  'reporterName',
  'reporterPhone4',
  'lang',
  'priority',
  'receivedAt',
  'ackDueAt',
  'contactDueAt',
  'replyDueAt',
  'nextDueAt',
  'nextAlertAt',
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
  /** Open311's id for it, drawn by the column default. */
  publicId: string;
}

type Column = (typeof CASE_COLUMNS)[number];

/** What a statement is built for: one case in typed parameters, or many in one jsonb value. */
interface Shape {
  many: boolean;
  skip: boolean;
  /** One case: how many messages; many: whether any case has one. */
  messages: number;
  feedOrder: boolean;
}

/** The values beside the columns, and their SQL types. */
const EXTRAS = { actorType: 'actor_type', actorId: 'text', event: 'jsonb', feedOrder: 'jsonb', messages: 'jsonb' } as const;
const MESSAGE = { channel: 'outbox_channel', recipient: 'text', template: 'text', payload: 'jsonb', idempotencyKey: 'text' } as const;

const typeOf = (k: Column) => sql.raw(cases[k].getSQLType());
// The schema's own name for each column: snake_case of its key unless it names itself.
const columnName = (k: Column) => sql.identifier(cases[k].keyAsName ? toSnakeCase(cases[k].name) : cases[k].name);
const list = (parts: Parameters<typeof sql.join>[0]) => sql.join(parts, sql`, `);

/*
 * The case, its event, its messages and its order record in one statement
 * built from CASE_COLUMNS. One case (every channel's filing) goes in typed
 * parameters, as lean as a hand-written INSERT; a 12345 push goes in as one
 * jsonb value, so a push of 500 orders is one statement of one text. Each
 * shape is built once per process and kept prepared by the pool. What every
 * new case starts with (status, reply clock, timestamps) is set here.
 */
function build(shape: Shape, p: Record<string, Placeholder>): SQL {
  const now = sql`${p.now}::timestamptz`;
  const one = !shape.many;
  const value = (name: string, type: SQL | string) => (one ? sql`${p[name]}::${typeof type === 'string' ? sql.raw(type) : type}` : sql`i.${sql.identifier(name)}`);
  const from = one ? sql`new_cases n` : sql`input i JOIN new_cases n ON n.id = i.id`;
  const source = one
    ? sql`VALUES (${list(CASE_COLUMNS.map((k) => value(k, typeOf(k))))}, 'new', ${value('receivedAt', 'timestamptz')}, ${now}, ${now})`
    : sql`SELECT ${list(CASE_COLUMNS.map((k) => sql.identifier(k)))}, 'new', "receivedAt", ${now}, ${now} FROM input i ORDER BY "externalRef"`;
  const record = list([...CASE_COLUMNS.map((k) => sql`${sql.identifier(k)} ${typeOf(k)}`), ...Object.entries(EXTRAS).map(([k, t]) => sql`${sql.identifier(k)} ${sql.raw(t)}`)]);
  const messageFields = list(Object.keys(MESSAGE).map((k) => sql.identifier(k)));
  const messages = one
    ? sql`(VALUES ${list(Array.from({ length: shape.messages }, (_, i) => sql`(${list(Object.entries(MESSAGE).map(([k, t]) => value(`m${i}.${k}`, t)))})`))}) AS m(${messageFields})`
    : sql`jsonb_to_recordset(i.messages) AS m(${list(Object.entries(MESSAGE).map(([k, t]) => sql`${sql.identifier(k)} ${sql.raw(t)}`))})`;
  return sql`
    WITH ${shape.many ? sql`input AS (SELECT * FROM jsonb_to_recordset(${p.rows}::jsonb) AS x(${record})), ` : sql``}new_cases AS (
      INSERT INTO cases (${list(CASE_COLUMNS.map(columnName))}, status, reply_started_at, created_at, updated_at)
      ${source}
      ${shape.skip ? sql`ON CONFLICT (channel, external_ref) DO NOTHING` : sql``}
      RETURNING id, tracking_code, public_id
    ), created_events AS (
      INSERT INTO case_events (case_id, type, at, actor_type, actor_id, is_public, data)
      SELECT n.id, 'created', ${now}, ${value('actorType', EXTRAS.actorType)}, ${value('actorId', EXTRAS.actorId)}, true, ${value('event', EXTRAS.event)}
      FROM ${from}
    )${
      shape.messages
        ? sql`, messages AS (
      INSERT INTO outbox (channel, recipient, template, lang, payload, idempotency_key, next_attempt_at, case_id)
      SELECT m.channel, m.recipient, m.template, ${value('lang', 'text')}, m.payload, m."idempotencyKey", ${now}, n.id
      FROM ${from}, ${messages}
    )`
        : sql``
    }${
      shape.feedOrder
        ? sql`, feed_orders AS (
      INSERT INTO feed_orders (order_no, case_id, snapshot, created_at, updated_at)
      SELECT ${value('externalRef', 'text')}, n.id, ${value('feedOrder', EXTRAS.feedOrder)}, ${now}, ${now}
      FROM ${from}${one ? sql`` : sql` WHERE i."feedOrder" IS NOT NULL`}
    )`
        : sql``
    }
    SELECT id, tracking_code AS "trackingCode", public_id AS "publicId" FROM new_cases`;
}

const statements = new Map<string, CompiledStatement<string, WrittenCase>>();

/** The compiled statement the writer uses for these rows (built on first use); the upgrade test reads its builds and text. */
export function caseStatementFor(rows: readonly NewCase[], options: { onConflict?: 'skip' } = {}): CompiledStatement<string, WrittenCase> {
  const many = rows.length > 1;
  const shape: Shape = {
    many,
    skip: options.onConflict === 'skip',
    messages: many ? Number(rows.some((c) => c.messages?.length)) : (rows[0]?.messages?.length ?? 0),
    feedOrder: rows.some((c) => c.feedOrder),
  };
  const key = `${shape.many}:${shape.skip}:${shape.messages}:${shape.feedOrder}`;
  let statement = statements.get(key);
  if (!statement) {
    const names = many
      ? ['rows', 'now']
      : ['now', ...CASE_COLUMNS, ...Object.keys(EXTRAS), ...Array.from({ length: shape.messages }, (_, i) => Object.keys(MESSAGE).map((k) => `m${i}.${k}`)).flat()];
    statement = compiledStatement<string, WrittenCase>(names, (p) => build(shape, p));
    statements.set(key, statement);
  }
  return statement;
}

/**
 * Writes new cases, each with its `created` event, its messages and (12345) its
 * order record, in one statement: all of it or none of it. The only writer of
 * new cases, for every channel. `onConflict: 'skip'` leaves out a case whose
 * (channel, externalRef) already exists — a 12345 order another push created —
 * instead of failing; the answer lists only the cases written.
 */
export async function writeCases(ctx: Ctx, rows: readonly NewCase[], options: { onConflict?: 'skip' } = {}): Promise<WrittenCase[]> {
  if (!rows.length) return [];
  const statement = caseStatementFor(rows, options);
  const now = ctx.clock.now().toISOString();
  if (rows.length > 1) {
    const input = rows.map((c) => ({ ...c.row, actorType: c.actor.type, actorId: c.actor.id, event: c.event, messages: c.messages ?? [], feedOrder: c.feedOrder ?? null }));
    return statement(ctx.db, { rows: JSON.stringify(input), now });
  }
  const c = rows[0]!;
  const values: Record<string, unknown> = { now, actorType: c.actor.type, actorId: c.actor.id, event: JSON.stringify(c.event), feedOrder: c.feedOrder ? JSON.stringify(c.feedOrder) : null };
  for (const k of CASE_COLUMNS) {
    const v = c.row[k];
    values[k] = v instanceof Date ? v.toISOString() : v;
  }
  c.messages?.forEach((m, i) => {
    for (const k of Object.keys(MESSAGE) as Array<keyof typeof MESSAGE>) values[`m${i}.${k}`] = k === 'payload' ? JSON.stringify(m.payload) : m[k];
  });
  return statement(ctx.db, values);
}
