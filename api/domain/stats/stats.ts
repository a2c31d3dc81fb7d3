import { eq } from 'drizzle-orm';
import { stations } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { invalidInput } from '../../errors.ts';
import { describeError } from '../../logger.ts';
import { shanghaiDate, toShanghaiIso } from '../deadlines/shanghai-time.ts';
import { definitions, MIN_EVALUATIONS_TO_RANK } from './definitions.ts';
import { type Figures, figuresOf, type GroupBy, type RawGroup, readGroups, sumGroups } from './figures.ts';
import { foldStats, pendingCases } from './fold.ts';
import { loadLabels, type Named } from './labels.ts';
import { lastFoldAt, openCases, type ReplyTiming, readMargins, readTrend, replyTimingOf, type TrendMonth } from './overview.ts';
import { resolveRange } from './range.ts';
import { nameTopProblems, readTopProblems, type TopProblems } from './top-problems.ts';

/** GET /api/stats: the published figures for a period, a station and a grouping. */
export interface StatsInput {
  from?: string | undefined;
  to?: string | undefined;
  period?: string | undefined;
  station?: string | undefined;
  groupBy?: GroupBy | undefined;
}

export interface Group extends Figures {
  key: string;
  name: string;
  /** Fewer than MIN_EVALUATIONS_TO_RANK evaluations: shown, flagged, never ranked. */
  fewEvaluations: boolean;
  rank: number | null;
}

export interface Stats {
  from: string;
  to: string;
  station: Named | null;
  groupBy: GroupBy | null;
  generatedAt: string;
  /** Cases written since the last fold, not yet in these figures (normally 0: a request folds first). */
  pendingCases: number;
  /** When the stats job last brought the figures up to date (null: not recorded); matters when pendingCases > 0. */
  figuresUpdatedAt: string | null;
  /** Cases open now (not closed, merged or returned), at the station if one is asked for. */
  openCases: number;
  /** Received and on-time figures for each of the twelve months up to the one the period ends in. */
  trend: TrendMonth[];
  /** How the period's first replies stood against their deadlines. */
  replyTiming: ReplyTiming;
  totals: Figures;
  groups: Group[];
  rankedBy: 'satisfaction' | null;
  minEvaluationsToRank: number;
  topProblems: TopProblems;
  definitions: ReturnType<typeof definitions>;
}

/** A request folds at most this many waiting cases first (tens of ms), so that what was just filed shows; the job does the rest. */
export const FOLD_ON_READ = 200;

export async function getStats({ ctx, input }: { ctx: Ctx; input: StatsInput & { fold?: boolean } }): Promise<Stats> {
  const now = ctx.clock.now();
  const range = resolveRange(input, now);
  const station = input.station ? await findStation(ctx, input.station) : null;
  if (input.fold !== false) {
    // Best effort: the figures are served from the rollups whether or not this succeeds.
    await foldStats(ctx, { batchSize: FOLD_ON_READ, maxBatches: 1 }).catch((err: unknown) =>
      ctx.logger.warn('stats fold on read failed', { requestId: ctx.requestId, ...describeError(err) }),
    );
  }
  const today = shanghaiDate(now);
  const groupBy = input.groupBy ?? null;
  const stationId = station?.id ?? null;
  const [raw, top, pending, updatedAt, open, trend, margins] = await Promise.all([
    readGroups(ctx, range, stationId, groupBy),
    // biome-ignore lint/complexity/useMathMinMax: dates as YYYY-MM-DD strings, compared as text
    readTopProblems(ctx, { upTo: range.to < today ? range.to : today, stationId }),
    pendingCases(ctx),
    lastFoldAt(ctx),
    openCases(ctx, stationId),
    readTrend(ctx, range, stationId),
    readMargins(ctx, range, stationId),
  ]);
  const totals = figuresOf(sumGroups(raw));
  const labels = await loadLabels(ctx, ctx.lang, {
    categories: [...(groupBy === 'category' ? raw.map((g) => Number(g.value)) : []), ...top.items.map((i) => i.categoryId)],
    locations: [
      ...(groupBy === 'location' ? raw.filter((g) => g.value !== 'none').map((g) => Number(g.value)) : []),
      ...top.items.flatMap((i) => (i.locationId === null ? [] : [i.locationId])),
    ],
  });
  const withStation = station === null;
  return {
    from: range.from,
    to: range.to,
    station: station ? labels.station(station.id) : null,
    groupBy,
    generatedAt: toShanghaiIso(now),
    pendingCases: pending,
    figuresUpdatedAt: updatedAt,
    openCases: open,
    trend,
    replyTiming: replyTimingOf(margins, totals),
    totals,
    groups: groupBy ? rankGroups(groupBy, raw, (value) => labels.group(groupBy, value, withStation)) : [],
    rankedBy: groupBy && groupBy !== 'month' ? 'satisfaction' : null,
    minEvaluationsToRank: MIN_EVALUATIONS_TO_RANK,
    topProblems: nameTopProblems(top, labels, withStation),
    definitions: definitions(ctx.lang),
  };
}

/**
 * Ranks groups by satisfaction rate, then resolution rate (ties share a rank);
 * groups with too few evaluations are listed after the ranked ones, largest
 * first, with rank null. Months are listed in order and not ranked.
 */
export function rankGroups(groupBy: GroupBy, raw: RawGroup[], name: (value: string) => Named): Group[] {
  const groups: Group[] = raw.map((g) => {
    const label = name(g.value);
    const figures = figuresOf(g);
    return { key: label.code, name: label.name, ...figures, fewEvaluations: figures.evaluated < MIN_EVALUATIONS_TO_RANK, rank: null };
  });
  if (groupBy === 'month') return groups.sort((a, b) => a.key.localeCompare(b.key));
  const ranked = groups
    .filter((g) => !g.fewEvaluations)
    .sort(
      (a, b) =>
        (b.rates.satisfaction ?? -1) - (a.rates.satisfaction ?? -1) || (b.rates.resolution ?? -1) - (a.rates.resolution ?? -1) || b.evaluated - a.evaluated || a.key.localeCompare(b.key),
    );
  ranked.forEach((g, i) => {
    const prev = ranked[i - 1];
    g.rank = prev && prev.rates.satisfaction === g.rates.satisfaction && prev.rates.resolution === g.rates.resolution ? prev.rank : i + 1;
  });
  const small = groups.filter((g) => g.fewEvaluations).sort((a, b) => b.received - a.received || a.key.localeCompare(b.key));
  return [...ranked, ...small];
}

/** A station by code, active or not (its history stays published). */
export async function findStation(ctx: Ctx, code: string): Promise<{ id: number; code: string }> {
  const ref = await ctx.reference.get(ctx.db);
  const active = ref.stationsByCode.get(code);
  if (active) return active;
  const [row] = await ctx.db.select({ id: stations.id, code: stations.code }).from(stations).where(eq(stations.code, code));
  if (!row) throw invalidInput('invalid_input', [{ field: 'station', code: 'unknown', message: 'station.unknown' }], { fields: 'station' });
  return row;
}
