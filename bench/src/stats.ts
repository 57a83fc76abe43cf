/** Latencies and answers per endpoint, and how they moved over time. Pure: no I/O. */

/** Nearest-rank percentile of an ascending array: the smallest value with p% at or below it. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const rank = Math.ceil((p / 100) * n);
  return sorted[Math.min(n, Math.max(1, rank)) - 1] ?? 0;
}

export interface Latency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function latency(samples: ArrayLike<number>): Latency {
  const sorted = Float64Array.from(samples).sort();
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] ?? 0) : 0,
  };
}

/** One point of a chart: requests per second and latency in a slice of the run. */
export interface SeriesPoint {
  /** Seconds since the endpoint's first request, at the slice's start. */
  t: number;
  rps: number;
  p50: number;
  p99: number;
}

export interface EndpointStats extends Latency {
  count: number;
  /** Answers per second, over the time from the first request sent to the last answer. */
  rps: number;
  /** Wall time of that span, ms. */
  spanMs: number;
  /** Answers by "status code" (e.g. "202 queued", "409 SOLD_OUT"), most frequent first. */
  answers: Record<string, number>;
  series: SeriesPoint[];
  /** CPU µs per answer by process while the phase ran (bench, api, consumer, redis, …, total). */
  cpuUs?: Record<string, number>;
}

/** Collects every answer: when it came, how long it took, what it said. */
export class Recorder {
  private readonly kinds = new Map<string, { ends: number[]; ms: number[]; answers: string[] }>();
  /** Answers recorded, of every kind. */
  total = 0;

  record(kind: string, endMs: number, ms: number, answer: string) {
    this.total += 1;
    let k = this.kinds.get(kind);
    if (!k) {
      k = { ends: [], ms: [], answers: [] };
      this.kinds.set(kind, k);
    }
    k.ends.push(endMs);
    k.ms.push(ms);
    k.answers.push(answer);
  }

  count(kind: string): number {
    return this.kinds.get(kind)?.ends.length ?? 0;
  }

  kindsSeen(): string[] {
    return [...this.kinds.keys()];
  }

  /** From the first request sent to the last answer, over every kind (ms). */
  spanMs(): number {
    let first = Infinity;
    let last = -Infinity;
    for (const kind of this.kinds.keys()) {
      const s = this.span(kind);
      if (!s) continue;
      first = Math.min(first, s.firstSent);
      last = Math.max(last, s.lastAnswered);
    }
    return last > first ? last - first : 0;
  }

  /** When the first request of a kind was sent and its last answer came (ms since the epoch). */
  span(kind: string): { firstSent: number; lastAnswered: number; lastSent: number } | null {
    const k = this.kinds.get(kind);
    if (!k || k.ends.length === 0) return null;
    let firstSent = Infinity;
    let lastSent = -Infinity;
    let lastAnswered = -Infinity;
    k.ends.forEach((end, i) => {
      const sent = end - (k.ms[i] ?? 0);
      firstSent = Math.min(firstSent, sent);
      lastSent = Math.max(lastSent, sent);
      lastAnswered = Math.max(lastAnswered, end);
    });
    return { firstSent, lastAnswered, lastSent };
  }

  /** When the last answer of a kind with this label ("202 queued") came (ms since the epoch). */
  lastAnswered(kind: string, answer: string): number | null {
    const k = this.kinds.get(kind);
    if (!k) return null;
    let last: number | null = null;
    k.answers.forEach((a, i) => {
      const end = k.ends[i];
      if (a === answer && end !== undefined && (last === null || end > last)) last = end;
    });
    return last;
  }

  /** Statistics of one endpoint; the series cuts the span into slices of `sliceMs`. */
  stats(kind: string, sliceMs = 250): EndpointStats {
    const k = this.kinds.get(kind);
    if (!k || k.ends.length === 0) return emptyStats();
    return endpointStats(k.ends, k.ms, k.answers, sliceMs);
  }
}

export function emptyStats(): EndpointStats {
  return { count: 0, rps: 0, spanMs: 0, p50: 0, p90: 0, p99: 0, max: 0, answers: {}, series: [] };
}

export function endpointStats(
  ends: number[],
  ms: number[],
  answers: string[],
  sliceMs: number,
): EndpointStats {
  const n = ends.length;
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < n; i += 1) {
    first = Math.min(first, (ends[i] ?? 0) - (ms[i] ?? 0));
    last = Math.max(last, ends[i] ?? 0);
  }
  const spanMs = Math.max(last - first, 1);
  const counts = new Map<string, number>();
  for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);

  const slices = Math.max(1, Math.ceil(spanMs / sliceMs));
  const bySlice: number[][] = Array.from({ length: slices }, () => []);
  for (let i = 0; i < n; i += 1) {
    const s = Math.min(slices - 1, Math.floor(((ends[i] ?? 0) - first) / sliceMs));
    bySlice[s]?.push(ms[i] ?? 0);
  }
  const series = bySlice.map((slice, i) => {
    const l = latency(slice);
    // The last slice is usually partial: its rate is over the time it covers.
    const width = i === slices - 1 ? spanMs - i * sliceMs : sliceMs;
    return {
      t: round((i * sliceMs) / 1000, 3),
      rps: round((slice.length * 1000) / Math.max(width, 1), 1),
      p50: round(l.p50, 2),
      p99: round(l.p99, 2),
    };
  });
  // A last sliver of a slice says little and draws a spike: leave it out of the chart.
  if (slices > 1 && spanMs - (slices - 1) * sliceMs < sliceMs / 2) series.pop();

  return {
    count: n,
    rps: round((n * 1000) / spanMs, 1),
    spanMs: Math.round(spanMs),
    ...roundLatency(latency(ms)),
    answers: Object.fromEntries([...counts].sort((a, b) => b[1] - a[1])),
    series,
  };
}

function roundLatency(l: Latency): Latency {
  return { p50: round(l.p50, 2), p90: round(l.p90, 2), p99: round(l.p99, 2), max: round(l.max, 2) };
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** "status code" of an answer: the status and the body's code or status word, if any. */
export function answerLabel(status: number, body: unknown): string {
  if (status === 0) return 'error';
  if (body && typeof body === 'object') {
    const b = body as { code?: unknown; status?: unknown };
    if (typeof b.code === 'string') return `${status} ${b.code}`;
    if (typeof b.status === 'string') return `${status} ${b.status}`;
  }
  return String(status);
}

/**
 * The baseline measured twice, before and after the phases compared with it: a machine whose speed
 * drifts between phases (a shared host) would otherwise bias every ratio one way. Rates, latency
 * percentiles and CPU are the mean of the two runs; answers add up; the series is the first run's.
 */
export function bracketed(before: EndpointStats, after: EndpointStats): EndpointStats {
  const mean = (a: number, b: number) => Math.round(((a + b) / 2) * 100) / 100;
  const answers: Record<string, number> = { ...before.answers };
  for (const [k, n] of Object.entries(after.answers)) answers[k] = (answers[k] ?? 0) + n;
  let cpuUs: Record<string, number> | undefined;
  if (before.cpuUs && after.cpuUs) {
    cpuUs = {};
    for (const [k, v] of Object.entries(before.cpuUs)) cpuUs[k] = mean(v, after.cpuUs[k] ?? v);
  }
  return {
    count: before.count + after.count,
    rps: mean(before.rps, after.rps),
    spanMs: before.spanMs + after.spanMs,
    p50: mean(before.p50, after.p50),
    p90: mean(before.p90, after.p90),
    p99: mean(before.p99, after.p99),
    max: Math.max(before.max, after.max),
    answers,
    series: before.series,
    ...(cpuUs ? { cpuUs } : {}),
  };
}
