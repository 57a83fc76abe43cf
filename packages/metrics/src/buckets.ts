/**
 * Upper bounds of the latency buckets, ms. Fixed and shared by every process, so the live view
 * can add bucket counts across instances and compute percentiles from the sum; the Prometheus
 * histograms use the same bounds (in seconds) so Grafana and the live view agree.
 */
export const LATENCY_BOUNDS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000,
] as const;
/** Bucket count: one per bound, plus one for anything slower than the last. */
export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;
export const LATENCY_BOUNDS_S: number[] = LATENCY_BOUNDS_MS.map((ms) => ms / 1000);

/** The bucket a latency falls in: the first bound it does not exceed. */
export function latencyBucket(ms: number): number {
  let i = 0;
  while (i < LATENCY_BOUNDS_MS.length && ms > (LATENCY_BOUNDS_MS[i] ?? Infinity)) i += 1;
  return i;
}

/**
 * The q-quantile of latencies counted per bucket, ms, interpolated linearly inside its bucket as
 * Prometheus' histogram_quantile does; the last bound when it falls beyond it; null for no counts.
 */
export function latencyQuantile(counts: ArrayLike<number>, q: number): number | null {
  let total = 0;
  for (let i = 0; i < counts.length; i += 1) total += counts[i] ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i += 1) {
    const n = counts[i] ?? 0;
    if (n > 0 && below + n >= rank) {
      const upper = LATENCY_BOUNDS_MS[i];
      if (upper === undefined) return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1] ?? null;
      const lower = i === 0 ? 0 : (LATENCY_BOUNDS_MS[i - 1] ?? 0);
      return lower + ((upper - lower) * (rank - below)) / n;
    }
    below += n;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1] ?? null;
}
