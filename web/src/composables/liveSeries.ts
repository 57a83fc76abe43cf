import type { LiveInstance, LiveResponse, LiveSecond } from '@seckill/contracts';

/** The windows the dashboard offers, in seconds: 1, 5 and 15 minutes. */
export const LIVE_WINDOWS = [60, 300, 900] as const;
/** Headline rates average this many of the latest whole seconds. */
export const HEADLINE_SECONDS = 5;

const SECOND = 1000;

/** One series value per second of the window; null where nothing was measured. */
export type Points = (number | null)[];

export interface SaleStockBar {
  goodsId: number;
  name: string;
  total: number;
  /** null when Redis does not hold the sale. */
  left: number | null;
  /** Share of the stock still left, 0..1; null with `left`. */
  share: number | null;
}

/** What the charts and the figure row show, worked out from one `LiveResponse`. */
export interface LiveView {
  windowSeconds: number;
  /** Start of each second of the window, ms, oldest first, without holes. */
  times: number[];
  accepted: number[];
  committed: number[];
  soldOut: number[];
  p50Ms: Points;
  p99Ms: Points;
  queueDepth: Points;
  deadLetters: Points;
  /** Over the latest whole seconds (`HEADLINE_SECONDS`), per second. */
  acceptedRate: number;
  committedRate: number;
  soldOutRate: number;
  totals: { accepted: number; committed: number; soldOut: number };
  /** Whether any order request was answered in the window. */
  hasOrders: boolean;
  /** The most recent measured value, for the headline and the charts' spoken summary. */
  latest: {
    p50Ms: number | null;
    p99Ms: number | null;
    queueDepth: number | null;
    deadLetters: number | null;
  };
  stock: SaleStockBar[];
  instances: LiveInstance[];
}

const floorToSecond = (ms: number) => Math.floor(ms / SECOND) * SECOND;

/**
 * One entry per second from the oldest to the newest second the server speaks of. The contract
 * promises zeros for quiet seconds, but a second missing from the answer (an instance that was
 * late to write its bucket) is filled here too: counts as zero, measurements as a gap, so a line
 * is broken rather than drawn through a value nobody measured.
 */
export function fillSeconds(res: LiveResponse): LiveSecond[] {
  const bySecond = new Map<number, LiveSecond>();
  for (const s of res.seconds) bySecond.set(floorToSecond(s.t), s);
  const known = [...bySecond.keys()];
  const serverNow = floorToSecond(Date.parse(res.serverTime));
  const newest = known.length ? Math.max(...known) : serverNow;
  const count = Math.max(1, Math.floor(res.windowSeconds));
  const oldest = newest - (count - 1) * SECOND;
  const filled: LiveSecond[] = [];
  for (let t = oldest; t <= newest; t += SECOND) {
    const s = bySecond.get(t);
    filled.push(
      s
        ? { ...s, t }
        : {
            t,
            accepted: 0,
            committed: 0,
            soldOut: 0,
            p50Ms: null,
            p99Ms: null,
            queueDepth: null,
            deadLetters: null,
          },
    );
  }
  return filled;
}

/**
 * The latest `n` seconds that are over: the second the server is still in is left out, as its
 * counts are still growing and would pull the rate down.
 */
export function wholeSeconds(seconds: LiveSecond[], serverTime: string, n: number): LiveSecond[] {
  const now = Date.parse(serverTime);
  const done = seconds.filter((s) => s.t + SECOND <= now);
  return done.slice(Math.max(0, done.length - n));
}

function perSecond(seconds: LiveSecond[], pick: (s: LiveSecond) => number): number {
  if (seconds.length === 0) return 0;
  return seconds.reduce((sum, s) => sum + pick(s), 0) / seconds.length;
}

function lastMeasured(values: Points): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

export function toLiveView(res: LiveResponse): LiveView {
  const seconds = fillSeconds(res);
  const recent = wholeSeconds(seconds, res.serverTime, HEADLINE_SECONDS);
  const accepted = seconds.map((s) => s.accepted);
  const committed = seconds.map((s) => s.committed);
  const soldOut = seconds.map((s) => s.soldOut);
  const p50Ms = seconds.map((s) => s.p50Ms);
  const p99Ms = seconds.map((s) => s.p99Ms);
  const queueDepth = seconds.map((s) => s.queueDepth);
  const deadLetters = seconds.map((s) => s.deadLetters);
  const totals = { accepted: sum(accepted), committed: sum(committed), soldOut: sum(soldOut) };
  return {
    windowSeconds: res.windowSeconds,
    times: seconds.map((s) => s.t),
    accepted,
    committed,
    soldOut,
    p50Ms,
    p99Ms,
    queueDepth,
    deadLetters,
    acceptedRate: perSecond(recent, (s) => s.accepted),
    committedRate: perSecond(recent, (s) => s.committed),
    soldOutRate: perSecond(recent, (s) => s.soldOut),
    totals,
    hasOrders: totals.accepted + totals.committed + totals.soldOut > 0,
    latest: {
      p50Ms: lastMeasured(p50Ms),
      p99Ms: lastMeasured(p99Ms),
      queueDepth: lastMeasured(queueDepth),
      deadLetters: lastMeasured(deadLetters),
    },
    stock: res.stock.map((s) => ({
      goodsId: s.goodsId,
      name: s.name,
      total: s.stockTotal,
      left: s.stockLeft,
      share:
        s.stockLeft === null
          ? null
          : s.stockTotal > 0
            ? Math.min(1, s.stockLeft / s.stockTotal)
            : 0,
    })),
    instances: [...res.instances].sort(
      (a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id),
    ),
  };
}

/** [time, value] pairs for a time axis; a null value leaves a gap in the line. */
export function pairs(times: number[], values: Points): [number, number | null][] {
  return times.map((t, i) => [t, values[i] ?? null]);
}

/**
 * Series colours, each at least 4.5:1 against white (WCAG AA for text, so also for the thinner
 * lines and the legend's labels).
 */
export const LIVE_COLORS = {
  accepted: '#1d4ed8',
  committed: '#047857',
  soldOut: '#b45309',
  p50: '#6d28d9',
  p99: '#be123c',
  queueDepth: '#0e7490',
  deadLetters: '#b91c1c',
  stockLeft: '#1d4ed8',
  axis: '#4e5969',
} as const;

function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r = 0, g = 0, b = 0] = channels.map((c) =>
    c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4,
  );
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two `#rrggbb` colours. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
