import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { departments, outbox, staffUsers } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import type { Lang } from '../../i18n.ts';
import { addDays, endOfShanghaiDay, shanghaiDate, startOfShanghaiDay, toShanghaiIso, weekday } from '../deadlines/shanghai-time.ts';
import { emptyCounters, type Figures, figuresOf, type RawGroup, readGroups, sumGroups } from './figures.ts';
import { foldStats, rowsOf } from './fold.ts';
import { type Labels, loadLabels } from './labels.ts';
import { addMonths, type DateRange, monthStart } from './range.ts';
import { nameTopProblems, readTopProblems } from './top-problems.ts';

/**
 * The daily bulletin (日通报) and weekly summary (周汇总) to partner units
 * (departments marked as partners, with an email), and the monthly report
 * (月报) to supervisors: from 08:00 Asia/Shanghai, for yesterday, last
 * Monday–Sunday and last month.
 *
 * The job runs every minute; each message's idempotency key names its
 * recipient and period, so however often or concurrently it runs, a period is
 * sent once (the outbox's unique key refuses a second row). A run that finds
 * every key taken costs one indexed lookup. A server that was down at 08:00
 * sends on its first run after, the same day (the week, the month).
 */
export const BULLETIN_HOUR = 8;
/** Cases listed by name in one message; the rest are counted. */
export const LIST_LIMIT = 30;

/** The public statistics page the bulletins point to (its definitions, more figures). */
export const statsLink = (publicBaseUrl: string) => `${publicBaseUrl}/stats`;

const LANG: Lang = 'zh-CN';

export type BulletinKind = 'daily' | 'weekly' | 'monthly';
export interface Period extends DateRange {
  kind: BulletinKind;
}

/** The periods whose messages are due at `now` (none before 08:00 Shanghai). */
export function duePeriods(now: Date): Period[] {
  const hour = new Date(now.getTime() + 8 * 3600_000).getUTCHours();
  if (hour < BULLETIN_HOUR) return [];
  const today = shanghaiDate(now);
  const yesterday = addDays(today, -1);
  const monday = addDays(today, -((weekday(today) + 6) % 7));
  const first = monthStart(today);
  return [
    { kind: 'daily', from: yesterday, to: yesterday },
    { kind: 'weekly', from: addDays(monday, -7), to: addDays(monday, -1) },
    { kind: 'monthly', from: addMonths(first, -1), to: addDays(first, -1) },
  ];
}

interface Recipient {
  key: string;
  email: string;
  departmentId: number | null;
}

export async function queueBulletins(ctx: Ctx): Promise<{ queued: number }> {
  const now = ctx.clock.now();
  const periods = duePeriods(now);
  if (!periods.length) return { queued: 0 };
  const [partners, supervisors] = await Promise.all([
    ctx.db
      .select({ id: departments.id, email: departments.email })
      .from(departments)
      .where(and(eq(departments.isPartner, true), eq(departments.active, true), isNotNull(departments.email))),
    ctx.db
      .select({ id: staffUsers.id, email: staffUsers.email })
      .from(staffUsers)
      .where(and(eq(staffUsers.role, 'supervisor'), eq(staffUsers.active, true))),
  ]);
  const wanted = new Map<Period, Recipient[]>();
  for (const period of periods) {
    wanted.set(
      period,
      period.kind === 'monthly'
        ? supervisors.map((s) => ({ key: `report:monthly:${s.id}:${period.from.slice(0, 7)}`, email: s.email, departmentId: null }))
        : partners.filter((p) => p.email?.trim()).map((p) => ({ key: `bulletin:${period.kind}:${p.id}:${period.from}`, email: p.email!.trim(), departmentId: p.id })),
    );
  }
  const keys = [...wanted.values()].flat().map((r) => r.key);
  if (!keys.length) return { queued: 0 };
  const sent = new Set((await ctx.db.select({ key: outbox.idempotencyKey }).from(outbox).where(inArray(outbox.idempotencyKey, keys))).map((r) => r.key));
  const todo = [...wanted.entries()].map(([period, rs]) => [period, rs.filter((r) => !sent.has(r.key))] as const).filter(([, rs]) => rs.length);
  if (!todo.length) return { queued: 0 };

  // Figures as of now: fold what the last tick left.
  await foldStats(ctx, { maxBatches: 20 }).catch(() => undefined);
  const labels = await loadLabels(ctx, LANG);
  const rows: Array<typeof outbox.$inferInsert> = [];
  for (const [period, recipients] of todo) {
    const payloads = period.kind === 'monthly' ? await monthlyPayload(ctx, period, labels) : await partnerPayloads(ctx, period, labels, recipients, now);
    for (const r of recipients) {
      rows.push({
        channel: 'email',
        recipient: r.email,
        template: period.kind === 'monthly' ? 'report_monthly' : `bulletin_${period.kind}`,
        lang: LANG,
        payload: typeof payloads === 'function' ? payloads(r.departmentId!) : payloads,
        idempotencyKey: r.key,
        nextAttemptAt: now,
      });
    }
  }
  const inserted = await ctx.db.insert(outbox).values(rows).onConflictDoNothing({ target: outbox.idempotencyKey }).returning({ id: outbox.id });
  if (inserted.length) ctx.logger.info('bulletins queued', { count: inserted.length, periods: todo.map(([p]) => `${p.kind}:${p.from}`) });
  return { queued: inserted.length };
}

/** What a bulletin says about a set of figures (counts and rates, no histograms), in the published definitions. */
function summary(f: Figures) {
  return {
    received: f.received,
    closed: f.closed,
    returned: f.returned,
    evaluated: f.evaluated,
    closureRate: f.rates.closure,
    /** First reply deadlines in the period, passed or met (应办结), and of them the late ones. */
    due: f.due,
    late: f.dueLate,
    onTimeRate: f.rates.onTime,
    redoDue: f.redoDue,
    redoLate: f.redoLate,
    redoOnTimeRate: f.rates.redoOnTime,
    responseRate: f.rates.response,
    firstContactRate: f.rates.firstContact,
    resolutionRate: f.rates.resolution,
    satisfactionRate: f.rates.satisfaction,
  };
}
export type FigureSummary = ReturnType<typeof summary>;

interface ListedCase {
  departmentId: number;
  role: 'lead' | 'co';
  trackingCode: string;
  stationId: number;
  categoryId: number;
  locationId: number | null;
  status: string;
  at: Date;
}

/** New cases touching each partner (lead or co-handling), overdue ones, and the period's figures. */
async function partnerPayloads(ctx: Ctx, period: Period, labels: Labels, recipients: Recipient[], now: Date) {
  const ids = `{${[...new Set(recipients.map((r) => r.departmentId!))].join(',')}}`;
  const start = startOfShanghaiDay(period.from).toISOString();
  const end = endOfShanghaiDay(period.to).toISOString();
  const [groups, fresh, overdue] = await Promise.all([
    readGroups(ctx, period, null, 'department'),
    ctx.db.execute(sql`
      SELECT t.department_id, t.role, c.tracking_code, c.station_id, c.category_id, c.location_id, c.status, c.received_at AS at
      FROM (
        SELECT id AS case_id, lead_department_id AS department_id, 'lead' AS role FROM cases
        WHERE lead_department_id = ANY(${ids}::int[]) AND received_at >= ${start}::timestamptz AND received_at < ${end}::timestamptz
        UNION ALL
        SELECT cd.case_id, cd.department_id, 'co' FROM case_departments cd JOIN cases x ON x.id = cd.case_id
        WHERE cd.department_id = ANY(${ids}::int[]) AND x.received_at >= ${start}::timestamptz AND x.received_at < ${end}::timestamptz
      ) t JOIN cases c ON c.id = t.case_id
      WHERE c.status <> 'merged'
      ORDER BY c.received_at, c.tracking_code`),
    ctx.db.execute(sql`
      SELECT t.department_id, t.role, c.tracking_code, c.station_id, c.category_id, c.location_id, c.status, c.next_due_at AS at
      FROM cases c
      JOIN LATERAL (
        SELECT c.lead_department_id AS department_id, 'lead' AS role WHERE c.lead_department_id = ANY(${ids}::int[])
        UNION ALL
        SELECT cd.department_id, 'co' FROM case_departments cd WHERE cd.case_id = c.id AND cd.department_id = ANY(${ids}::int[])
      ) t ON true
      WHERE c.status IN ('new', 'assigned', 'in_progress') AND c.next_due_at < ${now.toISOString()}::timestamptz
      ORDER BY c.next_due_at, c.tracking_code`),
  ]);
  const parse = (result: unknown) =>
    rowsOf<Record<string, unknown>>(result).map(
      (r): ListedCase => ({
        departmentId: Number(r.department_id),
        role: r.role as 'lead' | 'co',
        trackingCode: String(r.tracking_code),
        stationId: Number(r.station_id),
        categoryId: Number(r.category_id),
        locationId: r.location_id === null ? null : Number(r.location_id),
        status: String(r.status),
        at: new Date(r.at as string),
      }),
    );
  const freshRows = parse(fresh);
  const overdueRows = parse(overdue);
  const office = summary(figuresOf(sumGroups(groups)));
  const byDepartment = new Map(groups.map((g) => [g.value, g]));
  const listed = (c: ListedCase) => ({
    trackingCode: c.trackingCode,
    role: c.role,
    station: labels.station(c.stationId).name,
    category: labels.category(c.categoryId).name,
    location: c.locationId === null ? null : labels.location(c.locationId, false).name,
    status: c.status,
    at: toShanghaiIso(c.at),
  });
  return (departmentId: number) => {
    const mine = (rows: ListedCase[]) => rows.filter((r) => r.departmentId === departmentId);
    const newCases = mine(freshRows);
    const late = mine(overdueRows);
    const own: RawGroup = byDepartment.get(String(departmentId)) ?? { value: String(departmentId), counters: emptyCounters(), histograms: new Map() };
    return {
      kind: period.kind,
      from: period.from,
      to: period.to,
      department: labels.department(departmentId),
      figures: summary(figuresOf(own)),
      office,
      newCount: newCases.length,
      newCases: newCases.slice(0, LIST_LIMIT).map(listed),
      overdueCount: late.length,
      overdue: late.slice(0, LIST_LIMIT).map(listed),
      asOf: toShanghaiIso(now),
      statsUrl: statsLink(ctx.config.publicBaseUrl),
    };
  };
}

/** The month's figures, each department's, and the month's top problems (每月一题). */
async function monthlyPayload(ctx: Ctx, period: Period, labels: Labels) {
  const [groups, top] = await Promise.all([readGroups(ctx, period, null, 'department'), readTopProblems(ctx, { upTo: period.to, stationId: null, limit: 10 })]);
  const topLabels = await loadLabels(ctx, LANG, { categories: top.items.map((i) => i.categoryId), locations: top.items.flatMap((i) => (i.locationId === null ? [] : [i.locationId])) });
  return {
    kind: 'monthly',
    from: period.from,
    to: period.to,
    month: period.from.slice(0, 7),
    figures: summary(figuresOf(sumGroups(groups))),
    departments: groups.map((g) => ({ department: labels.department(g.value === 'none' ? null : Number(g.value)), ...summary(figuresOf(g)) })).sort((a, b) => b.received - a.received),
    topProblems: nameTopProblems(top, topLabels, true).items.map((i) => ({
      category: i.category.name,
      location: i.location.name,
      count: i.count,
      previousCount: i.previousCount,
      change: i.change,
    })),
    statsUrl: statsLink(ctx.config.publicBaseUrl),
  };
}
