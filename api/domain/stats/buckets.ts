/**
 * The time histograms' buckets, mirroring the SQL function stats_bucket()
 * (migration 0007). A bucket holds durations in (lower, upper] seconds:
 *
 *   0          ≤ 0 s (done at the moment of receipt, or entered late)
 *   1..60      1-minute buckets up to 1 hour
 *   61..120    5-minute buckets up to 6 hours
 *   121..252   30-minute buckets up to 3 days
 *   253..600   6-hour buckets up to 90 days
 *   601        longer than 90 days
 *
 * A percentile read from the histogram is the upper edge of the bucket that
 * holds it: never below the true value, and above it by less than one bucket
 * width. Past 90 days it is reported as 90 days.
 */
export const OVERFLOW_BUCKET = 601;
export const MAX_SECONDS = 90 * 86_400;

const BANDS = [
  { first: 1, last: 60, base: 0, width: 60 },
  { first: 61, last: 120, base: 3600, width: 300 },
  { first: 121, last: 252, base: 21_600, width: 1800 },
  { first: 253, last: 600, base: 259_200, width: 21_600 },
] as const;

/** The bucket of a duration in seconds; the same as SQL stats_bucket(). */
export function bucketOf(seconds: number): number {
  if (seconds <= 0) return 0;
  for (const b of BANDS) {
    const upper = b.base + (b.last - b.first + 1) * b.width;
    if (seconds <= upper) return b.first + Math.ceil((seconds - b.base) / b.width) - 1;
  }
  return OVERFLOW_BUCKET;
}

/** The upper edge of a bucket in seconds (90 days for the overflow bucket). */
export function bucketUpperEdge(bucket: number): number {
  if (bucket <= 0) return 0;
  for (const b of BANDS) {
    if (bucket <= b.last) return b.base + (bucket - b.first + 1) * b.width;
  }
  return MAX_SECONDS;
}

/** bucket → count */
export type Histogram = Map<number, number>;

export function addTo(target: Histogram, bucket: number, count: number): void {
  target.set(bucket, (target.get(bucket) ?? 0) + count);
}

export interface TimeFigure {
  /** How many cases the time was measured on. */
  count: number;
  /** Seconds, as the upper edge of the median's bucket; null when nothing was measured. */
  median: number | null;
  p90: number | null;
}

/**
 * Nearest-rank percentiles: the p-th percentile of n values is the value of rank
 * ceil(p·n); here, the upper edge of the bucket where the running count reaches it.
 */
export function timeFigure(histogram: Histogram | undefined): TimeFigure {
  const entries = histogram ? [...histogram.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]) : [];
  const count = entries.reduce((sum, [, n]) => sum + n, 0);
  if (count === 0) return { count: 0, median: null, p90: null };
  const at = (p: number) => {
    const rank = Math.max(1, Math.ceil(p * count));
    let running = 0;
    for (const [bucket, n] of entries) {
      running += n;
      if (running >= rank) return bucketUpperEdge(bucket);
    }
    return bucketUpperEdge(entries.at(-1)![0]);
  };
  return { count, median: at(0.5), p90: at(0.9) };
}
