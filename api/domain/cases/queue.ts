import { and, asc, eq, gte, ilike, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import { type CASE_STATUSES, type CHANNELS, cases, type PRIORITIES } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { invalidInput } from '../../errors.ts';
import { anyProvisional } from '../deadlines/provisional.ts';
import { localName } from '../meta.ts';
import type { Staff } from '../staff/session.ts';
import { normalizeTrackingCode } from './tracking-code.ts';

export const OPEN_STATUSES = ['new', 'assigned', 'in_progress', 'replied'] as const;
/** "Due soon" means the next clock ends within this many hours. */
export const DUE_SOON_HOURS = 24;

/** What narrows a list of cases: the queue's filters, shared by the CSV export. */
export interface CaseFilters {
  status?: Array<(typeof CASE_STATUSES)[number]> | undefined;
  station?: string | undefined;
  department?: string | undefined;
  category?: string | undefined;
  priority?: (typeof PRIORITIES)[number] | undefined;
  channel?: (typeof CHANNELS)[number] | undefined;
  overdue?: boolean | undefined;
  dueSoon?: boolean | undefined;
  /** Flagged by a dissatisfied rating, waiting for the dispatcher. */
  flagged?: boolean | undefined;
  /** With an extension request (延期) waiting for its decision. */
  pendingExtension?: boolean | undefined;
  q?: string | undefined;
}

export interface QueueFilters extends CaseFilters {
  cursor?: string | undefined;
  limit: number;
}

/** A case with an extension request waiting for its decision (spelled out: drizzle leaves one table's columns unqualified). */
const PENDING_EXTENSION = sql`exists (select 1 from extension_requests er where er.case_id = cases.id and er.status = 'pending')`;

/** Sort key: red first, then the nearest unmet clock, then id; cases with no clock last. */
const redRank = sql<number>`(case when ${cases.priority} = 'red' then 0 else 1 end)`;
const dueKey = sql<Date>`coalesce(${cases.nextDueAt}, 'infinity'::timestamptz)`;

type Cursor = { r: number; d: string; id: string };
const encodeCursor = (c: Cursor) => btoa(JSON.stringify(c)).replace(/=+$/, '');
/** 9999-12-31T23:59:59.999Z: within what both Date and PostgreSQL print the same way. */
const MAX_INSTANT = 253402300800000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A cursor comes back from the browser's address bar, so it is checked field by
 * field before any of it reaches SQL: a hand-edited one is a 400, not a cast
 * error in the database.
 */
function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(atob(s)) as Partial<Cursor> | null;
    const due = typeof c?.d === 'string' && c.d !== 'infinity' ? Date.parse(c.d) : Number.NaN;
    // Rewritten by the Date, so the database only ever sees a well-formed instant.
    const d = c?.d === 'infinity' ? 'infinity' : due >= 0 && due < MAX_INSTANT ? new Date(due).toISOString() : undefined;
    if (c && (c.r === 0 || c.r === 1) && d && typeof c.id === 'string' && UUID.test(c.id)) return { r: c.r, d, id: c.id };
  } catch {
    // fall through
  }
  throw invalidInput('cursor.invalid', [{ field: 'cursor', code: 'invalid', message: 'field.invalid' }]);
}

/** What a member of staff may see: handlers their department's cases, the office everything. */
export function scopeCondition(staff: Staff): SQL | undefined {
  if (staff.role !== 'handler') return undefined;
  const dept = staff.departmentId ?? -1;
  return or(
    eq(cases.leadDepartmentId, dept),
    // Spelled out: drizzle leaves columns of a one-table select unqualified, which a subquery would misread.
    sql`exists (select 1 from case_departments cd where cd.case_id = cases.id and cd.department_id = ${dept})`,
  );
}

/**
 * The queue's filters as SQL conditions, within what the caller may see; the
 * CSV export uses the same ones. Unknown codes are a 400 naming the field.
 */
export async function queueConditions(ctx: Ctx, staff: Staff, input: Omit<CaseFilters, 'status'> & { status?: CaseFilters['status'] | 'all' }): Promise<Array<SQL | undefined>> {
  const ref = await ctx.reference.get(ctx.db);
  const now = ctx.clock.now();
  const conditions: Array<SQL | undefined> = [scopeCondition(staff)];
  if (input.status !== 'all') conditions.push(inArray(cases.status, input.status?.length ? input.status : [...OPEN_STATUSES]));
  const unknown = (field: string) => invalidInput('invalid_input', [{ field, code: 'unknown', message: 'field.invalid_value' }], { fields: field });
  if (input.station) {
    const s = ref.stationsByCode.get(input.station);
    if (!s) throw unknown('station');
    conditions.push(eq(cases.stationId, s.id));
  }
  if (input.category) {
    const c = ref.categoriesByCode.get(input.category);
    if (!c) throw unknown('category');
    conditions.push(eq(cases.categoryId, c.id));
  }
  if (input.department) {
    const d = ref.departments.find((x) => x.code === input.department);
    if (!d) throw unknown('department');
    conditions.push(eq(cases.leadDepartmentId, d.id));
  }
  if (input.priority) conditions.push(eq(cases.priority, input.priority));
  if (input.channel) conditions.push(eq(cases.channel, input.channel));
  if (input.overdue) conditions.push(lt(cases.nextDueAt, now));
  if (input.dueSoon) conditions.push(and(gte(cases.nextDueAt, now), lt(cases.nextDueAt, new Date(now.getTime() + DUE_SOON_HOURS * 3600_000))));
  if (input.flagged) conditions.push(sql`${cases.flaggedAt} is not null`);
  // Spelled out, as in queueCounts: the same test counts them and lists them.
  if (input.pendingExtension) conditions.push(PENDING_EXTENSION);
  if (input.q?.trim()) {
    const q = input.q.trim();
    const code = normalizeTrackingCode(q);
    const pattern = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    conditions.push(or(ilike(cases.description, pattern), eq(cases.externalRef, q), ...(code ? [eq(cases.trackingCode, code)] : [])));
  }
  return conditions;
}

export async function listQueue({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: QueueFilters }) {
  const ref = await ctx.reference.get(ctx.db);
  const now = ctx.clock.now();
  const conditions = await queueConditions(ctx, staff, input);
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    conditions.push(sql`(${redRank}, ${dueKey}, ${cases.id}) > (${c.r}, ${c.d}::timestamptz, ${c.id}::uuid)`);
  }

  const rows = await ctx.db
    .select({
      id: cases.id,
      trackingCode: cases.trackingCode,
      status: cases.status,
      priority: cases.priority,
      kind: cases.kind,
      channel: cases.channel,
      stationId: cases.stationId,
      categoryId: cases.categoryId,
      leadDepartmentId: cases.leadDepartmentId,
      flaggedAt: cases.flaggedAt,
      // The 12345 platform's latest urging (催办), an escalation of its own; spelled out for the subquery.
      urgedAt: sql<Date | null>`(select max(a.due_at) from case_alerts a where a.case_id = cases.id and a.clock = 'urge' and a.kind = 'escalation')`.mapWith(cases.receivedAt),
      receivedAt: cases.receivedAt,
      nextDueAt: cases.nextDueAt,
      replyDueAt: cases.replyDueAt,
      ackDueAt: cases.ackDueAt,
      contactDueAt: cases.contactDueAt,
      acknowledgedAt: cases.acknowledgedAt,
      contactedAt: cases.contactedAt,
      repliedAt: cases.repliedAt,
      version: cases.version,
      summary: sql<string>`left(${cases.description}, 140)`,
      rank: redRank,
    })
    .from(cases)
    .where(and(...conditions))
    .orderBy(asc(redRank), asc(dueKey), asc(cases.id))
    .limit(input.limit + 1);

  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > input.limit && last ? encodeCursor({ r: Number(last.rank), d: last.nextDueAt?.toISOString() ?? 'infinity', id: last.id }) : null;
  return {
    items: page.map(({ rank: _rank, ackDueAt, contactDueAt, acknowledgedAt, contactedAt, repliedAt, ...r }) => ({
      ...r,
      provisional: anyProvisional({ status: r.status, ackDueAt, contactDueAt, replyDueAt: r.replyDueAt, acknowledgedAt, contactedAt, repliedAt }, ref.publishedYears),
      station: ref.stationsById.get(r.stationId)?.code ?? null,
      category: (() => {
        const c = ref.categoriesById.get(r.categoryId);
        return c ? { code: c.code, name: localName(c, ctx.lang) } : null;
      })(),
      leadDepartment: (() => {
        const d = r.leadDepartmentId !== null ? ref.departmentsById.get(r.leadDepartmentId) : undefined;
        return d ? { code: d.code, name: localName(d, ctx.lang) } : null;
      })(),
      overdue: r.nextDueAt !== null && r.nextDueAt < now,
    })),
    nextCursor,
  };
}

/** Counts per queue for the dashboard, within what the caller may see. */
export async function queueCounts({ ctx, staff }: { ctx: Ctx; staff: Staff }) {
  const now = ctx.clock.now();
  const soon = new Date(now.getTime() + DUE_SOON_HOURS * 3600_000);
  const open = sql`${cases.status} in ('new', 'assigned', 'in_progress')`;
  const [row] = await ctx.db
    .select({
      new: sql<number>`count(*) filter (where ${cases.status} = 'new')::int`,
      assigned: sql<number>`count(*) filter (where ${cases.status} = 'assigned')::int`,
      inProgress: sql<number>`count(*) filter (where ${cases.status} = 'in_progress')::int`,
      replied: sql<number>`count(*) filter (where ${cases.status} = 'replied')::int`,
      overdue: sql<number>`count(*) filter (where ${open} and ${cases.nextDueAt} < ${now.toISOString()}::timestamptz)::int`,
      dueSoon: sql<number>`count(*) filter (where ${open} and ${cases.nextDueAt} >= ${now.toISOString()}::timestamptz and ${cases.nextDueAt} < ${soon.toISOString()}::timestamptz)::int`,
      red: sql<number>`count(*) filter (where ${open} and ${cases.priority} = 'red')::int`,
      flagged: sql<number>`count(*) filter (where ${cases.flaggedAt} is not null)::int`,
      pendingExtensions: sql<number>`count(*) filter (where ${PENDING_EXTENSION})::int`,
    })
    .from(cases)
    .where(and(inArray(cases.status, [...OPEN_STATUSES]), scopeCondition(staff)));
  return row ?? { new: 0, assigned: 0, inProgress: 0, replied: 0, overdue: 0, dueSoon: 0, red: 0, flagged: 0, pendingExtensions: 0 };
}
