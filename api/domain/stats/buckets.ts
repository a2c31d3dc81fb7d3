/**
 * The time histograms' buckets, mirroring the SQL function stats_bucket()
 * (migration 0007; a test checks that both agree on every edge). Bucket i
 * holds durations in (EDGES[i-2], EDGES[i-1]] seconds; bucket 0 holds zero
 * (done at the moment of receipt, or entered after the fact), bucket 1 up to a
 * minute, the last one anything past 90 days.
 *
 * The edges are round durations about 20–33 % apart — every minute up to 6,
 * then 8, 10, 12, 15, 20, 25, 30, 40, 50 minutes, 1 h, 1¼, 1½, 2, 2½, 3, 4, 5,
 * 6, 8, 10, 12, 15, 18, 24 h, 1¼, 1½, 2, 2½, 3, 4, 5, 6, 7, 8, 10, 12, 14, 17,
 * 21, 25, 30, 36, 45, 60, 75 and 90 days — and include the usual deadlines
 * (2 h, 24 h, 1, 7, 14 and 21 days). Few buckets keep a year of histograms
 * small enough to read per request at a city's scale.
 *
 * A percentile is read from the histogram by nearest rank and placed within
 * its bucket by linear interpolation (the k-th of n values in a bucket at
 * (k − ½)/n of its width): exact when a bucket's values are spread evenly,
 * never off by more than the bucket's width. Past 90 days it reads as 90 days.
 */
const M = 60;
const H = 3600;
const D = 86_400;
export const EDGES: readonly number[] = [
  1 * M,
  2 * M,
  3 * M,
  4 * M,
  5 * M,
  6 * M,
  8 * M,
  10 * M,
  12 * M,
  15 * M,
  20 * M,
  25 * M,
  30 * M,
  40 * M,
  50 * M,
  1 * H,
  75 * M,
  90 * M,
  2 * H,
  150 * M,
  3 * H,
  4 * H,
  5 * H,
  6 * H,
  8 * H,
  10 * H,
  12 * H,
  15 * H,
  18 * H,
  1 * D,
  30 * H,
  36 * H,
  2 * D,
  60 * H,
  3 * D,
  4 * D,
  5 * D,
  6 * D,
  7 * D,
  8 * D,
  10 * D,
  12 * D,
  14 * D,
  17 * D,
  21 * D,
  25 * D,
  30 * D,
  36 * D,
  45 * D,
  60 * D,
  75 * D,
  90 * D,
];
export const OVERFLOW_BUCKET = EDGES.length + 1;
export const MAX_SECONDS = EDGES[EDGES.length - 1]!;

/** The bucket of a duration in seconds; the same as SQL stats_bucket(). */
export function bucketOf(seconds: number): number {
  if (seconds <= 0) return 0;
  let lo = 0;
  let hi = EDGES.length;
  // The first edge at or above the value.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (EDGES[mid]! >= seconds) hi = mid;
    else lo = mid + 1;
  }
  return lo + 1;
}

/** The (lower, upper] seconds of a bucket; the overflow bucket reads as [90 days, 90 days]. */
export function bucketBounds(bucket: number): [number, number] {
  if (bucket <= 0) return [0, 0];
  if (bucket >= OVERFLOW_BUCKET) return [MAX_SECONDS, MAX_SECONDS];
  return [bucket === 1 ? 0 : EDGES[bucket - 2]!, EDGES[bucket - 1]!];
}

/** The SQL array literal of stats_bucket()'s thresholds (for the migration and its test). */
export function sqlThresholds(): string {
  return `ARRAY[${[1, ...EDGES.map((e) => e + 1)].join(', ')}]`;
}

/** bucket → count */
export type Histogram = Map<number, number>;

export function addTo(target: Histogram, bucket: number, count: number): void {
  target.set(bucket, (target.get(bucket) ?? 0) + count);
}

export interface TimeFigure {
  /** How many cases the time was measured on. */
  count: number;
  /** Seconds; null when nothing was measured. */
  median: number | null;
  p90: number | null;
}

/** Nearest-rank percentiles (the value of rank ceil(p·n)), interpolated within their bucket. */
export function timeFigure(histogram: Histogram | undefined): TimeFigure {
  const entries = histogram ? [...histogram.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]) : [];
  const count = entries.reduce((sum, [, n]) => sum + n, 0);
  if (count === 0) return { count: 0, median: null, p90: null };
  const at = (p: number) => {
    const rank = Math.max(1, Math.ceil(p * count));
    let before = 0;
    for (const [bucket, n] of entries) {
      if (before + n >= rank) {
        const [lo, hi] = bucketBounds(bucket);
        return Math.round(lo + ((hi - lo) * (rank - before - 0.5)) / n);
      }
      before += n;
    }
    return bucketBounds(entries.at(-1)![0])[1];
  };
  return { count, median: at(0.5), p90: at(0.9) };
}
