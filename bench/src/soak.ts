/** The soak's figures and what "flat" means for them. Pure: no I/O. */
import type { ProcSample } from './procstat.ts';

export type SoakProcess = 'api' | 'consumer';
export const SOAK_PROCESSES: SoakProcess[] = ['api', 'consumer'];

/** One endpoint's answers in one minute of the soak. */
export interface KindMinute {
  count: number;
  p50: number;
  p99: number;
  max: number;
  answers: Record<string, number>;
}

/** One minute of the soak: the processes sampled at its end, and the load it carried. */
export interface SoakMinute {
  /** 1, 2, …; a last, shorter stretch gets its fraction (e.g. 1.5 for a 90 s soak). */
  minute: number;
  /** Seconds since the load started. */
  seconds: number;
  procs: Record<SoakProcess, ProcSample | null>;
  /** Requests answered in this minute, every kind. */
  requests: number;
  /** Answers per second in this minute. */
  rps: number;
  byKind: Record<string, KindMinute>;
  /** How the shoppers who finished in this minute ended. */
  outcomes: Record<string, number>;
}

export type SoakMetric = 'rssMb' | 'heapUsedMb' | 'handles' | 'fds' | 'threads';
export const SOAK_METRICS: SoakMetric[] = ['rssMb', 'heapUsedMb', 'handles', 'fds', 'threads'];

/**
 * "Flat", in numbers. The first minutes are warm-up (V8 grows its heap, pools open their
 * connections, code gets optimized): `warmupMinutes(total)` of them, 5 in a 20-minute soak. The
 * sample at the end of the warm-up is the reference; every later minute must stay at or below the
 * reference plus the allowance of its metric, and no metric may rise steadily: `steadyRiseSteps`
 * or more rises in a row from the reference on, together more than `steadyRiseMin` of it.
 * A minute's heap used is the lowest of its samples (HEAP_SAMPLES_PER_MINUTE): what survives
 * collection; one sample may catch garbage V8 has not collected yet (seen: 69.5 MB for one sample
 * of a minute whose neighbours read 49 and 45).
 */
export const FLAT = {
  warmupMinutes: (minutes: number) => Math.min(5, Math.max(1, Math.floor(minutes / 4))),
  allowance: {
    rssMb: { pct: 10, abs: 20 },
    heapUsedMb: { pct: 10, abs: 20 },
    // The API's MySQL pool opens up to 20 connections on demand, so fds and handles may step up
    // by that much with no leak; a leak of one per request or per reset goes far past 25.
    handles: { pct: 10, abs: 25 },
    fds: { pct: 10, abs: 25 },
    threads: { pct: 0, abs: 4 },
  } satisfies Record<SoakMetric, { pct: number; abs: number }>,
  steadyRiseSteps: 5,
  steadyRiseMin: { pct: 2, abs: 2 },
};

/** Samples taken in each minute (at equal steps, the last at its end); heap used is their lowest. */
export const HEAP_SAMPLES_PER_MINUTE = 3;

export const UNITS: Record<SoakMetric, string> = {
  rssMb: ' MB',
  heapUsedMb: ' MB',
  handles: '',
  fds: '',
  threads: '',
};

export const FLAT_RULE =
  'flat = after the warm-up (min(5, max(1, ⌊minutes/4⌋)) minutes; the sample at its end is the ' +
  'reference) every minute at or below the reference + max(10 %, 20 MB) for RSS and heap used ' +
  `(the lowest of the minute's ${HEAP_SAMPLES_PER_MINUTE} samples), ` +
  '+ max(10 %, 25) for libuv handles and fds, + 4 threads; and no steady rise (5 or more rises in ' +
  'a row from the reference, together above max(2 %, 2))';

export interface MetricVerdict {
  metric: SoakMetric;
  reference: number;
  last: number;
  max: number;
  limit: number;
  /** Rises in a row at the end of the series (from the reference on). */
  risesInARow: number;
  steadyRise: boolean;
  flat: boolean;
}

export interface ProcessVerdict {
  process: SoakProcess;
  flat: boolean;
  metrics: MetricVerdict[];
  /** Metrics with no figure (no diagnostic report: heap and handles). */
  missing: SoakMetric[];
}

export interface SoakVerdict {
  /** null: too short to tell (no minute after the warm-up). */
  flat: boolean | null;
  rule: string;
  warmupMinutes: number;
  referenceMinute: number | null;
  processes: ProcessVerdict[];
  notes: string[];
}

const allowed = (metric: SoakMetric, ref: number) => {
  const a = FLAT.allowance[metric];
  return ref + Math.max((ref * a.pct) / 100, a.abs);
};

/** Rises in a row at the end of `series`. */
function trailingRises(series: number[]): number {
  let n = 0;
  for (let i = series.length - 1; i > 0; i -= 1) {
    if ((series[i] ?? 0) > (series[i - 1] ?? 0)) n += 1;
    else break;
  }
  return n;
}

export function metricVerdict(metric: SoakMetric, series: number[]): MetricVerdict | null {
  const [reference, ...later] = series;
  if (reference === undefined || later.length === 0) return null;
  const limit = allowed(metric, reference);
  const max = Math.max(...later);
  const last = later[later.length - 1] ?? reference;
  const risesInARow = trailingRises(series);
  const rise = last - (series[series.length - 1 - risesInARow] ?? reference);
  const minRise = Math.max((reference * FLAT.steadyRiseMin.pct) / 100, FLAT.steadyRiseMin.abs);
  const steadyRise = risesInARow >= FLAT.steadyRiseSteps && rise > minRise;
  return {
    metric,
    reference,
    last,
    max,
    limit: Math.round(limit * 10) / 10,
    risesInARow,
    steadyRise,
    flat: max <= limit && !steadyRise,
  };
}

/** The verdict over the minutes of a soak of `totalMinutes` (see FLAT). */
export function soakVerdict(minutes: SoakMinute[], totalMinutes: number): SoakVerdict {
  const warmupMinutes = FLAT.warmupMinutes(totalMinutes);
  const from = minutes.findIndex((m) => m.minute >= warmupMinutes);
  const notes: string[] = [];
  const window = from < 0 ? [] : minutes.slice(from);
  const referenceMinute = window[0]?.minute ?? null;
  const processes: ProcessVerdict[] = [];
  for (const p of SOAK_PROCESSES) {
    const metrics: MetricVerdict[] = [];
    const missing: SoakMetric[] = [];
    for (const metric of SOAK_METRICS) {
      const series = window.map((m) => m.procs[p]?.[metric] ?? null);
      if (series.some((v) => v === null)) {
        missing.push(metric);
        continue;
      }
      const v = metricVerdict(metric, series as number[]);
      if (v) metrics.push(v);
    }
    processes.push({ process: p, flat: metrics.every((m) => m.flat), metrics, missing });
  }
  const judged = processes.some((p) => p.metrics.length > 0);
  if (!judged) notes.push('no minute after the warm-up: too short to tell');
  if (window.length - 1 < FLAT.steadyRiseSteps) {
    notes.push(
      `${Math.max(0, window.length - 1)} minute(s) after the reference: the steady-rise test needs ` +
        `${FLAT.steadyRiseSteps}, so only the allowances were checked`,
    );
  }
  for (const p of processes) {
    if (p.missing.length) notes.push(`${p.process}: no figure for ${p.missing.join(', ')}`);
  }
  return {
    flat: judged ? processes.every((p) => p.flat) : null,
    rule: FLAT_RULE,
    warmupMinutes,
    referenceMinute,
    processes,
    notes,
  };
}

// ---------------------------------------------------------------------------------------------
// Text

const num = (v: number | null | undefined, digits = 1, width = 6) =>
  (v === null || v === undefined ? '–' : v.toFixed(digits)).padStart(width);
const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function formatMinuteLabel(minute: number): string {
  return Number.isInteger(minute) ? String(minute) : minute.toFixed(1);
}

/** "minute  3  api       RSS  151.2 MB  heap  41.3 / 60.1 MB  handles  52  fds  58  threads 11  cpu 23.1 %" */
export function formatProcLine(label: string, name: string, s: ProcSample | null): string {
  const head = `${label.padEnd(11)} ${name.padEnd(9)}`;
  if (!s) return `${head} (not running)`;
  return (
    `${head} RSS ${num(s.rssMb)} MB  heap ${num(s.heapUsedMb)} / ${num(s.heapTotalMb, 1, 5)} MB` +
    `  handles ${num(s.handles, 0, 4)}  fds ${num(s.fds, 0, 4)}  threads ${num(s.threads, 0, 3)}` +
    `  cpu ${num(s.cpuPct, 1, 5)} %`
  );
}

const answersText = (a: Record<string, number>) =>
  Object.entries(a)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k} ×${int(v)}`)
    .join(', ');

/** The load of one minute: answers per kind with their p99, the static answers, the resets. */
export function formatLoadLine(label: string, m: SoakMinute): string {
  const head = `${label.padEnd(11)} ${'load'.padEnd(9)}`;
  const kinds = ['path', 'order', 'result', 'static', 'reset'].filter((k) => m.byKind[k]);
  const parts = kinds.map((k) => {
    const s = m.byKind[k];
    if (!s) return '';
    const extra = k === 'static' || k === 'reset' ? ` (${answersText(s.answers)})` : '';
    return `${k} ${int(s.count)} p99 ${s.p99.toFixed(1)} ms${extra}`;
  });
  return `${head} ${int(m.requests)} answers, ${int(m.rps)}/s: ${parts.join(' · ')}`;
}

export function formatVerdict(v: SoakVerdict): string[] {
  const out: string[] = [];
  const word = v.flat === null ? 'TOO SHORT TO TELL' : v.flat ? 'FLAT' : 'NOT FLAT';
  out.push(
    `soak verdict: ${word} — reference minute ${v.referenceMinute ?? '–'} (warm-up ${v.warmupMinutes} min)`,
    `  ${v.rule}`,
  );
  for (const p of v.processes) {
    const cells = p.metrics.map((m) => {
      const u = UNITS[m.metric];
      const d = u ? 1 : 0;
      const mark = m.flat ? '✓' : '✗';
      const rise = m.steadyRise ? `, rose ${m.risesInARow} minutes in a row` : '';
      return `${mark} ${m.metric} ${m.reference.toFixed(d)} → ${m.last.toFixed(d)}${u} (max ${m.max.toFixed(d)}, limit ${m.limit.toFixed(d)}${rise})`;
    });
    out.push(`  ${p.process.padEnd(9)} ${cells.join(' · ') || 'no figures'}`);
  }
  for (const n of v.notes) out.push(`  note: ${n}`);
  return out;
}
