import { sql } from 'drizzle-orm';
import type { Ctx } from '../../context.ts';
import { toShanghaiIso } from '../deadlines/shanghai-time.ts';
import type { Staff } from '../staff/session.ts';
import { definitions, MIN_EVALUATIONS_TO_RANK } from './definitions.ts';
import { emptyCounters, type Figures, figuresOf, type RawGroup, readGroups } from './figures.ts';
import { foldStats, pendingCases, rowsOf } from './fold.ts';
import { loadLabels, type Named } from './labels.ts';
import { resolveRange } from './range.ts';
import { FOLD_ON_READ, findStation, type StatsInput } from './stats.ts';

/**
 * The staff's per-department table: each lead department's figures for the
 * period (the published ones, from the rollups: a running clock is no failure
 * here either) beside what is open and overdue right now (from the live indexes
 * on cases), with the definitions. Handlers see their own department's row.
 */
export interface DepartmentRow extends Figures {
  department: Named & { isPartner: boolean };
  fewEvaluations: boolean;
  /** Open now (new, assigned, in progress or replied), led by this department. */
  open: number;
  /** Open now with a clock past its deadline. */
  overdue: number;
}

export async function departmentTable({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: Omit<StatsInput, 'groupBy'> }) {
  const now = ctx.clock.now();
  const range = resolveRange(input, now);
  const station = input.station ? await findStation(ctx, input.station) : null;
  await foldStats(ctx, { batchSize: FOLD_ON_READ, maxBatches: 1 }).catch(() => undefined);
  const [raw, live, pending] = await Promise.all([readGroups(ctx, range, station?.id ?? null, 'department'), liveCounts(ctx, station?.id ?? null, now), pendingCases(ctx)]);
  const ref = await ctx.reference.get(ctx.db);
  const labels = await loadLabels(ctx, ctx.lang);
  const byValue = new Map(raw.map((g) => [g.value, g]));
  const values = new Set<string>([...ref.departments.filter((d) => d.active).map((d) => String(d.id)), ...byValue.keys(), ...live.keys(), 'none']);
  const rows: DepartmentRow[] = [];
  for (const value of values) {
    const id = value === 'none' ? null : Number(value);
    if (staff.role === 'handler' && id !== staff.departmentId) continue;
    const group: RawGroup = byValue.get(value) ?? { value, counters: emptyCounters(), histograms: new Map() };
    const figures = figuresOf(group);
    const current = live.get(value) ?? { open: 0, overdue: 0 };
    rows.push({
      department: { ...labels.department(id), isPartner: id !== null && Boolean(ref.departmentsById.get(id)?.isPartner) },
      ...figures,
      fewEvaluations: figures.evaluated < MIN_EVALUATIONS_TO_RANK,
      ...current,
    });
  }
  // The office's own sections first, then partner units, then cases not yet assigned.
  const order = (r: DepartmentRow) => (r.department.code === 'none' ? 2 : r.department.isPartner ? 1 : 0);
  rows.sort((a, b) => order(a) - order(b) || b.overdue - a.overdue || a.department.code.localeCompare(b.department.code));
  return {
    from: range.from,
    to: range.to,
    station: station ? labels.station(station.id) : null,
    asOf: toShanghaiIso(now),
    pendingCases: pending,
    departments: rows,
    minEvaluationsToRank: MIN_EVALUATIONS_TO_RANK,
    definitions: definitions(ctx.lang),
  };
}

/** Open and overdue cases per lead department: index range scans (status, next_due_at; lead department, status). */
export async function liveCounts(ctx: Ctx, stationId: number | null, now: Date): Promise<Map<string, { open: number; overdue: number }>> {
  const station = stationId === null ? sql`` : sql` AND station_id = ${stationId}`;
  const [open, overdue] = await Promise.all([
    ctx.db.execute(sql`
      SELECT coalesce(lead_department_id::text, 'none') AS value, count(*)::int AS n FROM cases
      WHERE status IN ('new', 'assigned', 'in_progress', 'replied')${station} GROUP BY 1`),
    ctx.db.execute(sql`
      SELECT coalesce(lead_department_id::text, 'none') AS value, count(*)::int AS n FROM cases
      WHERE status IN ('new', 'assigned', 'in_progress') AND next_due_at < ${now.toISOString()}::timestamptz${station} GROUP BY 1`),
  ]);
  const out = new Map<string, { open: number; overdue: number }>();
  for (const r of rowsOf<{ value: string; n: number }>(open)) out.set(r.value, { open: Number(r.n), overdue: 0 });
  for (const r of rowsOf<{ value: string; n: number }>(overdue)) out.set(r.value, { open: out.get(r.value)?.open ?? 0, overdue: Number(r.n) });
  return out;
}
