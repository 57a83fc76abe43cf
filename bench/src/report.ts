/** The bench's results as one JSON document, and as the table it prints. Pure: no I/O. */
import type { ConsistencyReport } from '@seckill/contracts';
import type { CrowdResult } from './phases/crowd.ts';
import type { DrainResult } from './phases/drain.ts';
import type { SoakSummary } from './phases/soak.ts';
import type { DurableFigures } from './phases/throughput.ts';
import type { StackSettings } from './stack.ts';
import { formatLoadLine, formatMinuteLabel, formatProcLine, formatVerdict } from './soak.ts';
import { formatRoom, type RoomSummary } from './phases/room.ts';
import type { StreamsResult } from './phases/streams.ts';
import { cpuBudget, formatBudget, type CpuBudget } from './budget.ts';
import { round, type EndpointStats } from './stats.ts';

export interface EndpointRow {
  name: string;
  phase: string;
  stats: EndpointStats;
}

export interface TargetCheck {
  name: string;
  value: number | null;
  goal: string;
  met: boolean | null;
}

export interface StrategyRow {
  strategy: string;
  /** Requests of every endpoint the crowd used, per second of the crowd. */
  rps: number;
  /** Shoppers served per second: the crowd over its time. */
  shoppersPerSecond: number;
  /** p99 of the request that sells (the order). */
  p99: number;
  orders: number;
  oversold: number;
  unsold: number;
  duplicates: number;
  /** The whole crowd served, first request to last answer. */
  seconds: number;
  outcomes: Record<string, number>;
  note?: string;
}

export interface Verdict {
  exact: boolean;
  oversold: number;
  undersold: number;
  duplicates: number;
  sales: ConsistencyReport[];
}

export type DrainSummary =
  { batched: DrainResult; single: DrainResult; ratio: number } | { skipped: string };

export type CrowdSummary = Omit<CrowdResult, 'endpoints'>;

/** The unmeasured sale before the crowd (main.ts, warmUp): what it took a fresh API. */
export interface CrowdWarmup {
  users: number;
  stock: number;
  seconds: number;
  pathRps: number;
}

/** The order measurement without and with SSE streams open on the API (the streams phase). */
export interface StreamsSummary {
  /** Streams asked for, one per distinct shopper. */
  wanted: number;
  /** Streams that answered 200 and sent their hello. */
  open: number;
  /** Streams open when the measured window started and when it ended. */
  openAtStart: number;
  openAtEnd: number;
  /** Streams not opened, by answer. */
  refused: Record<string, number>;
  /** From the first ticket to the last hello. */
  openMs: number;
  /** Events the streams received while open, by SSE event name ("ping" for comments). */
  events: Record<string, number>;
  orderRpsWithout: number;
  orderRpsWith: number;
  /** Order req/s with streams over without. */
  rpsRatio: number | null;
  orderP99Without: number;
  orderP99With: number;
  /** Order p99 with streams over without. */
  p99Ratio: number | null;
}

/** One cell of `--matrix`: the order phase on a fresh stack with one queue type and group commit on or off. */
export interface MatrixRow {
  cell: string;
  queueType: StackSettings['queueType'];
  groupCommit: boolean;
  /** Accepted (202) order answers per second of the window, and over the baseline's req/s. */
  acceptedRps: number;
  orderRatio: number | null;
  durableOrdersPerSec: number;
  p99: number;
  /** Whole-stack CPU per accepted order, µs. */
  cpuUsPerAccepted: number | null;
  /** Orders per message published to the order queue (1 with group commit off). */
  ordersPerMessage: number | null;
  lastCommitLagMs: number | null;
  accepted: number;
  committed: number;
}

/** An order measurement, with what it made durable when measured by measureOrders. */
export type OrderPhaseStats = EndpointStats & { durable?: DurableFigures };

/** The baseline's rate and p99 before and after the phases compared with it. */
export interface BaselineRuns {
  before: { rps: number; p99: number };
  after: { rps: number; p99: number };
}

export interface BenchReport {
  kind: 'full' | 'strategies' | 'soak' | 'matrix';
  generatedAt: string;
  machine: { cpus: number; cpuModel: string; node: string };
  options: Record<string, unknown>;
  target: { url: string; own: boolean };
  /** The order queue's type and whether the API groups publishes (the run's; a matrix has its cells'). */
  settings: StackSettings | null;
  /** The baseline the ratios use: the mean of its two runs when it was measured before and after. */
  baseline: EndpointStats | null;
  /** The baseline's two runs (before the crowd, after the late orders), when there were two. */
  baselineRuns: BaselineRuns | null;
  endpoints: EndpointRow[];
  /** Order requests per second over the baseline's, in the same run. */
  orderRatio: number | null;
  /**
   * The order phase over the durable limit (phases/durable.ts), in the same run: order req/s over
   * its req/s (accepted), and durable orders/s over its durable orders/s (durable).
   */
  durableLimitRatio: { accepted: number | null; durable: number | null } | null;
  /** The durable limit's durable figures in full (its row is in `endpoints`, phase "durable"). */
  durableLimit: DurableFigures | null;
  /** The order phase: orders committed in MySQL per second of its window (MySQL's clock). */
  durableOrdersPerSec: number | null;
  /** The order phase: its last commit in MySQL − its last accepted (202) answer, ms. */
  lastCommitLagMs: number | null;
  /** The order phase's durable figures in full (window, clock offset, orders per message, …). */
  orderDurable: DurableFigures | null;
  /** The crowd's path requests per second over the baseline's. */
  pathRatio: number | null;
  /** Late orders (after sell-out) per second over the baseline's. */
  lateRatio: number | null;
  crowd: CrowdSummary | null;
  /** The warm-up sale the crowd came after (null with --cold, or without the crowd). */
  crowdWarmup: CrowdWarmup | null;
  drain: DrainSummary | null;
  streams: StreamsSummary | null;
  /** The crowd with the waiting room and without (the room phase). */
  room: RoomSummary | null;
  verdict: Verdict | null;
  targets: TargetCheck[];
  /** What each rate target leaves the API to spend, from the run's CPU table (see budget.ts). */
  cpuBudgets: CpuBudget[];
  strategies: StrategyRow[] | null;
  /** `--matrix`: queue type × group commit, the order phase on a fresh stack each. */
  matrix: MatrixRow[] | null;
  /** `--soak`: the processes and the load minute by minute, and whether they stayed flat. */
  soak: SoakSummary | null;
  notes: string[];
}

export interface ReportParts {
  kind: BenchReport['kind'];
  machine: BenchReport['machine'];
  options: Record<string, unknown>;
  target: BenchReport['target'];
  settings?: StackSettings | null;
  baseline?: EndpointStats | null;
  baselineRuns?: BaselineRuns | null;
  durableLimit?: OrderPhaseStats | null;
  crowdWarmup?: CrowdWarmup | null;
  crowd?: CrowdResult | null;
  orders?: OrderPhaseStats | null;
  late?: EndpointStats | null;
  drain?: DrainSummary | null;
  streams?: StreamsResult | null;
  room?: RoomSummary | null;
  consistency?: ConsistencyReport[] | null;
  strategies?: StrategyRow[] | null;
  soak?: SoakSummary | null;
  matrix?: Array<StackSettings & { orders: OrderPhaseStats }> | null;
  notes?: string[];
  now?: Date;
}

export const cellName = (c: StackSettings) =>
  `${c.queueType}, group commit ${c.groupCommit ? 'on' : 'off'}`;

/** The rate targets (× the baseline) that the CPU budgets are worked out for. */
const ORDER_RATIO_GOAL = 0.45;
const LATE_RATIO_GOAL = 1.5;
/** Order requests × the durable limit, accepted and durable rates both. */
const DURABLE_LIMIT_GOAL = 0.8;

const ratioOf = (x: number | undefined, base: number | undefined) =>
  x !== undefined && base ? round(x / base, 3) : null;

export function verdictOf(reports: ConsistencyReport[]): Verdict {
  const sum = (f: (r: ConsistencyReport) => number) => reports.reduce((s, r) => s + f(r), 0);
  return {
    exact: reports.length > 0 && reports.every((r) => r.exact),
    oversold: sum((r) => r.oversold),
    undersold: sum((r) => r.undersold),
    duplicates: sum((r) => r.duplicates),
    sales: reports,
  };
}

export function assembleReport(p: ReportParts): BenchReport {
  const endpoints: EndpointRow[] = [];
  const limit = p.durableLimit ?? null;
  if (limit) endpoints.push({ name: 'durable limit', phase: 'durable', stats: limit });
  if (p.crowd) {
    for (const kind of ['path', 'order', 'result']) {
      const stats = p.crowd.endpoints[kind];
      if (stats) endpoints.push({ name: `crowd: ${kind}`, phase: 'crowd', stats });
    }
  }
  if (p.orders) endpoints.push({ name: 'order requests', phase: 'orders', stats: p.orders });
  for (const c of p.matrix ?? []) {
    endpoints.push({ name: `orders: ${cellName(c)}`, phase: 'matrix', stats: c.orders });
  }
  if (p.late) endpoints.push({ name: 'late orders', phase: 'late', stats: p.late });
  let streams: StreamsSummary | null = null;
  if (p.streams) {
    const { without, with: withStreams, ...rest } = p.streams;
    endpoints.push(
      { name: 'orders, no SSE', phase: 'streams', stats: without },
      { name: `orders, ${p.streams.wanted} SSE`, phase: 'streams', stats: withStreams },
    );
    streams = {
      ...rest,
      orderRpsWithout: without.rps,
      orderRpsWith: withStreams.rps,
      rpsRatio: ratioOf(withStreams.rps, without.rps),
      orderP99Without: without.p99,
      orderP99With: withStreams.p99,
      p99Ratio: ratioOf(withStreams.p99, without.p99),
    };
  }

  const baseline = p.baseline ?? null;
  const orderRatio = ratioOf(p.orders?.rps, baseline?.rps);
  const lateRatio = ratioOf(p.late?.rps, baseline?.rps);
  const pathRatio = ratioOf(p.crowd?.endpoints.path?.rps, baseline?.rps);
  const orderDurable = p.orders?.durable ?? null;
  const durableLimitRatio =
    p.orders && limit
      ? {
          accepted: ratioOf(p.orders.rps, limit.rps),
          durable: ratioOf(orderDurable?.durableOrdersPerSec, limit.durable?.durableOrdersPerSec),
        }
      : null;
  const matrix = p.matrix
    ? p.matrix.map((c): MatrixRow => {
        const d = c.orders.durable;
        return {
          cell: cellName(c),
          queueType: c.queueType,
          groupCommit: c.groupCommit,
          acceptedRps: d?.acceptedPerSec ?? c.orders.rps,
          orderRatio: ratioOf(d?.acceptedPerSec ?? c.orders.rps, baseline?.rps),
          durableOrdersPerSec: d?.durableOrdersPerSec ?? 0,
          p99: c.orders.p99,
          cpuUsPerAccepted: d?.cpuUsPerAccepted ?? null,
          ordersPerMessage: d?.published?.ordersPerMessage ?? null,
          lastCommitLagMs: d?.lastCommitLagMs ?? null,
          accepted: d?.accepted ?? 0,
          committed: d?.committed ?? 0,
        };
      })
    : null;
  const verdict = p.consistency ? verdictOf(p.consistency) : null;
  let crowd: CrowdSummary | null = null;
  if (p.crowd) {
    const { endpoints: _endpoints, ...rest } = p.crowd;
    crowd = rest;
  }

  const targets: TargetCheck[] = [];
  const cpuBudgets: CpuBudget[] = [];
  if (p.kind === 'full') {
    for (const b of [
      cpuBudget('order requests', ORDER_RATIO_GOAL, orderRatio, baseline?.cpuUs, p.orders?.cpuUs),
      cpuBudget('late orders', LATE_RATIO_GOAL, lateRatio, baseline?.cpuUs, p.late?.cpuUs),
    ])
      if (b) cpuBudgets.push(b);
    const check = (name: string, value: number | null, goal: string, ok: (v: number) => boolean) =>
      targets.push({ name, value, goal, met: value === null ? null : ok(value) });
    check(
      'order requests vs baseline (rps ratio)',
      orderRatio,
      `≥ ${ORDER_RATIO_GOAL}`,
      (v) => v >= ORDER_RATIO_GOAL,
    );
    for (const rate of ['accepted', 'durable'] as const) {
      check(
        `order requests vs the durable limit (${rate} rate ratio)`,
        durableLimitRatio?.[rate] ?? null,
        `≥ ${DURABLE_LIMIT_GOAL}`,
        (v) => v >= DURABLE_LIMIT_GOAL,
      );
    }
    check('order requests p99 (ms)', p.orders ? p.orders.p99 : null, '≤ 50', (v) => v <= 50);
    check(
      'order phase: last accepted order → its commit in MySQL (ms)',
      orderDurable?.lastCommitLagMs ?? null,
      '≤ 1000',
      (v) => v <= 1000,
    );
    check(
      'crowd: served, first request → last answer (s)',
      crowd ? round(crowd.seconds, 2) : null,
      '≤ 2.5',
      (v) => v <= 2.5,
    );
    check('crowd: path requests vs baseline (rps ratio)', pathRatio, '≥ 0.5', (v) => v >= 0.5);
    check(
      'late orders vs baseline (rps ratio)',
      lateRatio,
      `≥ ${LATE_RATIO_GOAL}`,
      (v) => v >= LATE_RATIO_GOAL,
    );
    const drain = p.drain && 'ratio' in p.drain ? p.drain.ratio : null;
    check('consumer drain, batched vs one tx per order', drain, '≥ 5', (v) => v >= 5);
    check(
      'crowd: last order request → last commit (ms)',
      crowd?.lastOrderToLastCommitMs ?? null,
      '≤ 2000',
      (v) => v <= 2000,
    );
    targets.push({
      name: 'consistency verdict (oversold, undersold, duplicates)',
      value: verdict ? verdict.oversold + verdict.undersold + verdict.duplicates : null,
      goal: 'all 0',
      met: verdict ? verdict.exact : null,
    });
  }
  if (p.kind === 'matrix') {
    targets.push({
      name: 'consistency verdict (oversold, undersold, duplicates)',
      value: verdict ? verdict.oversold + verdict.undersold + verdict.duplicates : null,
      goal: 'all 0',
      met: verdict ? verdict.exact : null,
    });
  }
  if (p.kind === 'soak' && p.soak) {
    const flat = p.soak.verdict.flat;
    const worst = p.soak.verdict.processes.flatMap((pv) => pv.metrics.filter((m) => !m.flat));
    targets.push({
      name: 'soak: API and consumer RSS, heap, handles, fds, threads flat (metrics not flat)',
      value: flat === null ? null : worst.length,
      goal: '0',
      met: flat,
    });
    targets.push({
      name: 'consistency verdict (oversold, undersold, duplicates)',
      value: verdict ? verdict.oversold + verdict.undersold + verdict.duplicates : null,
      goal: 'all 0',
      met: verdict ? verdict.exact : null,
    });
  }

  return {
    kind: p.kind,
    generatedAt: (p.now ?? new Date()).toISOString(),
    machine: p.machine,
    options: p.options,
    target: p.target,
    settings: p.settings ?? null,
    baseline,
    baselineRuns: p.baselineRuns ?? null,
    endpoints,
    orderRatio,
    durableLimitRatio,
    durableLimit: limit?.durable ?? null,
    durableOrdersPerSec: orderDurable?.durableOrdersPerSec ?? null,
    lastCommitLagMs: orderDurable?.lastCommitLagMs ?? null,
    orderDurable,
    pathRatio,
    lateRatio,
    crowd,
    crowdWarmup: p.crowdWarmup ?? null,
    drain: p.drain ?? null,
    streams,
    room: p.room ?? null,
    verdict,
    targets,
    cpuBudgets,
    strategies: p.strategies ?? null,
    matrix,
    soak: p.soak ?? null,
    notes: p.notes ?? [],
  };
}

// ---------------------------------------------------------------------------------------------
// Text

/** Left-aligned first column, right-aligned numbers, two spaces between columns. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const times = (r: number | null) => (r === null ? '–' : `${r.toFixed(2)}×`);

function endpointCells(name: string, s: EndpointStats, base: EndpointStats | null): string[] {
  const r = (x: number, b: number | undefined) => times(b ? round(x / b, 3) : null);
  return [
    name,
    int(s.count),
    int(s.rps),
    r(s.rps, base?.rps),
    ms(s.p50),
    r(s.p50, base?.p50),
    ms(s.p90),
    r(s.p90, base?.p90),
    ms(s.p99),
    r(s.p99, base?.p99),
  ];
}

const lag = (v: number | null) =>
  v === null ? '–' : v < 0 ? `${v} ms (all written before it was sent)` : `${v} ms`;

const commitLag = (v: number | null) =>
  v === null ? '–' : v < 0 ? `${v} ms (committed before its answer arrived)` : `${v} ms`;

/** The order phase's headline: accepted and durable orders per second, and what lies behind them. */
export function durableLines(name: string, s: OrderPhaseStats, ratio: number | null): string[] {
  const d = s.durable;
  if (!d) return [];
  const pub = d.published;
  const perMessage =
    pub?.ordersPerMessage != null
      ? `${pub.ordersPerMessage.toFixed(2)} orders per message (${int(pub.orders)} in ${int(pub.messages)})`
      : 'orders per message: not observed';
  return [
    `${name}: ${int(s.rps)} req/s (${times(ratio)} baseline), accepted ${int(d.acceptedPerSec)}/s, p99 ${ms(s.p99)} ms · ` +
      `durable ${int(d.durableOrdersPerSec)} orders/s committed in MySQL ` +
      `(${int(d.committedInWindow)} of ${int(d.accepted)} accepted, within the ${int(d.windowMs)} ms window)`,
    `  last accepted order → its commit in MySQL: ${commitLag(d.lastCommitLagMs)} · ${perMessage} · ` +
      `whole-stack CPU ${d.cpuUsPerAccepted === null ? '–' : int(d.cpuUsPerAccepted)} µs per accepted order · ` +
      `MySQL clock − bench clock ${d.clock.offsetMs} ± ${d.clock.uncertaintyMs} ms`,
  ];
}

/** The durable limit's own headline, and the order phase over it (durableLimitRatio). */
function durableLimitLines(
  s: OrderPhaseStats,
  base: EndpointStats | null,
  ratio: BenchReport['durableLimitRatio'],
): string[] {
  const lines = durableLines('durable limit', s, ratioOf(s.rps, base?.rps));
  lines.splice(
    1,
    0,
    '  (node:http + 1 Lua + the grouped, confirmed publish + a bare consumer: one INSERT per batch, ack after commit)',
  );
  if (ratio) {
    lines.push(
      `order requests ÷ durable limit (durableLimitRatio): accepted ${times(ratio.accepted)}, durable ${times(ratio.durable)}`,
    );
  }
  return lines;
}

function answers(a: Record<string, number>): string {
  return Object.entries(a)
    .map(([k, v]) => `${k} ×${int(v)}`)
    .join(' · ');
}

export function formatReport(r: BenchReport): string {
  const out: string[] = [];
  const base = r.baseline;
  if (r.kind === 'full' || r.kind === 'matrix') {
    const settings =
      r.kind === 'matrix'
        ? 'queue type × group commit, a fresh stack each'
        : r.settings
          ? `${r.settings.queueType} order queue, group commit ${r.settings.groupCommit ? 'on' : 'off'}`
          : 'settings unknown';
    out.push(
      `Seckill bench${r.kind === 'matrix' ? ' matrix' : ''} — ${r.machine.cpus} CPU (${r.machine.cpuModel}), ` +
        `Node ${r.machine.node}, ${String(r.options.connections)} connections, ` +
        `${r.target.own ? 'own stack' : r.target.url}, ${settings}`,
      '',
    );
    const rows: string[][] = [];
    if (base)
      rows.push(
        endpointCells(
          r.baselineRuns ? 'baseline (mean of 2 runs)' : 'baseline: node:http + 1 Lua',
          base,
          base,
        ),
      );
    for (const e of r.endpoints) rows.push(endpointCells(e.name, e.stats, base));
    out.push(
      formatTable(
        [
          'endpoint',
          'answers',
          'req/s',
          '×base',
          'p50 ms',
          '×base',
          'p90 ms',
          '×base',
          'p99 ms',
          '×base',
        ],
        rows,
      ),
      '',
    );
    const runs = r.baselineRuns;
    if (runs) {
      const drift = runs.after.rps / runs.before.rps - 1;
      out.push(
        `baseline (node:http + 1 Lua) before and after the phases compared with it: ` +
          `${int(runs.before.rps)} and ${int(runs.after.rps)} req/s (${drift >= 0 ? '+' : ''}` +
          `${(drift * 100).toFixed(1)} %), p99 ${ms(runs.before.p99)} and ${ms(runs.after.p99)} ms; ` +
          `every ×base is against their mean`,
        '',
      );
    }
    const orders = r.endpoints.find((e) => e.phase === 'orders');
    if (orders) {
      const headline = durableLines('order requests', orders.stats, r.orderRatio);
      if (headline.length) out.push(...headline, '');
    }
    const limit = r.endpoints.find((e) => e.phase === 'durable');
    if (limit) out.push(...durableLimitLines(limit.stats, base, r.durableLimitRatio), '');
    out.push('answers by status and code');
    const pad = Math.max(16, ...r.endpoints.map((e) => e.name.length));
    if (base) out.push(`  ${'baseline'.padEnd(pad)}  ${answers(base.answers)}`);
    for (const e of r.endpoints) out.push(`  ${e.name.padEnd(pad)}  ${answers(e.stats.answers)}`);
    out.push('');
    const cpuRows: Array<[string, Record<string, number> | undefined]> = [];
    if (base) cpuRows.push(['baseline', base.cpuUs]);
    if (r.crowd) cpuRows.push(['crowd (any answer)', r.crowd.cpuUs]);
    for (const e of r.endpoints) if (e.phase !== 'crowd') cpuRows.push([e.name, e.stats.cpuUs]);
    const metered = cpuRows.filter((row): row is [string, Record<string, number>] =>
      Boolean(row[1] && Object.keys(row[1]).length),
    );
    if (metered.length) {
      const order = [
        'bench',
        'baseline',
        'baseline consumer',
        'api',
        'consumer',
        'redis',
        'rabbitmq',
        'mariadb',
      ];
      const seen = new Set(metered.flatMap(([, c]) => Object.keys(c)));
      const procs = order.filter((p) => seen.has(p));
      out.push(
        'CPU µs per answer, by process (bench = the load generator)',
        formatTable(
          ['phase', ...procs, 'total'],
          metered.map(([name, c]) => [
            name,
            ...procs.map((p) => (c[p] === undefined ? '–' : c[p].toFixed(0))),
            (c.total ?? 0).toFixed(0),
          ]),
        ),
        '',
      );
    }
    if (r.matrix) {
      out.push(
        'matrix: the order phase on a fresh stack per cell (own prefix, so the queue is declared anew)',
        formatTable(
          [
            'cell',
            'accepted req/s',
            '×base',
            'durable orders/s',
            'p99 ms',
            'CPU µs/accepted',
            'orders/msg',
            'last commit lag ms',
          ],
          r.matrix.map((m) => [
            m.cell,
            int(m.acceptedRps),
            times(m.orderRatio),
            int(m.durableOrdersPerSec),
            ms(m.p99),
            m.cpuUsPerAccepted === null ? '–' : int(m.cpuUsPerAccepted),
            m.ordersPerMessage === null ? '–' : m.ordersPerMessage.toFixed(2),
            m.lastCommitLagMs === null ? '–' : String(m.lastCommitLagMs),
          ]),
        ),
        '',
      );
    }
    if (r.crowd) {
      const c = r.crowd;
      const w = r.crowdWarmup;
      out.push(
        `crowd: ${int(c.users)} shoppers, ${int(c.stock)} units, served in ${c.seconds.toFixed(1)} s — ${answers(c.outcomes)}`,
        w
          ? `  after a warm-up sale (not measured): ${int(w.users)} other shoppers, ${int(w.stock)} units, ${w.seconds.toFixed(2)} s on the API just started`
          : '  on an API just started (--cold: no warm-up sale before it)',
        `  first order request → last order committed in MySQL: ${c.firstOrderToLastCommitMs ?? '–'} ms`,
        `  last order request → last order committed in MySQL:  ${lag(c.lastOrderToLastCommitMs)}`,
        `  orders in MySQL: ${int(c.orders)} of ${int(c.stock)} units`,
      );
    }
    if (r.streams) {
      const st = r.streams;
      out.push(
        `SSE streams: ${int(st.open)} of ${int(st.wanted)} open (hello each) in ${int(st.openMs)} ms; ` +
          `open at start / end of the measured window: ${int(st.openAtStart)} / ${int(st.openAtEnd)}`,
        `  order requests without → with streams: ${int(st.orderRpsWithout)} → ${int(st.orderRpsWith)} req/s ` +
          `(${times(st.rpsRatio)}), p99 ${ms(st.orderP99Without)} → ${ms(st.orderP99With)} ms (${times(st.p99Ratio)})`,
        `  events received while open: ${answers(st.events) || 'none'}`,
      );
      if (Object.keys(st.refused).length) out.push(`  not opened: ${answers(st.refused)}`);
    }
    if (r.room) out.push(formatRoom(r.room));
    if (r.drain) {
      if ('skipped' in r.drain) out.push(`consumer drain: skipped (${r.drain.skipped})`);
      else {
        const d = r.drain;
        out.push(
          `consumer drain of ${int(d.batched.queued)} queued orders: batches of ${d.batched.batchSize} ` +
            `${int(d.batched.ordersPerSecond)}/s (${d.batched.commitSpanMs} ms), one transaction per order ` +
            `${int(d.single.ordersPerSecond)}/s (${d.single.commitSpanMs} ms) → ${times(d.ratio)}`,
        );
      }
    }
  }
  if (r.soak) {
    const k = r.soak;
    const st = k.settings;
    out.push(
      `Seckill soak — ${r.machine.cpus} CPU (${r.machine.cpuModel}), Node ${r.machine.node}, ` +
        `${(k.seconds / 60).toFixed(1)} min: shoppers ${st.shopperRps} req/s over ${st.sales} sales ` +
        `(reset every ${st.resetMs / 1000} s), one client flooding static URLs at ${st.floodRps} req/s; ` +
        `web build: ${k.webDist.source}`,
      '',
    );
    for (const p of ['api', 'consumer'] as const)
      out.push(formatProcLine('before', p, k.before[p]));
    for (const m of k.minutes) {
      const label = `minute ${formatMinuteLabel(m.minute)}`;
      for (const p of ['api', 'consumer'] as const) out.push(formatProcLine(label, p, m.procs[p]));
      out.push(formatLoadLine(label, m));
    }
    for (const p of ['api', 'consumer'] as const) {
      out.push(formatProcLine('drained', p, k.afterDrain[p]));
    }
    out.push('', ...formatVerdict(k.verdict), '');
    for (const [kind, a] of Object.entries(k.answers)) {
      out.push(`  ${kind.padEnd(8)} ${answers(a)}`);
    }
    out.push(`  shoppers ${answers(k.outcomes)}`, `  no answer: ${k.errors}`, '');
  }
  if (r.strategies) {
    out.push(
      formatTable(
        [
          'strategy',
          'req/s',
          'order p99 ms',
          'orders',
          'oversold',
          'unsold',
          'dupes',
          'crowd s',
          'shoppers/s',
          'shoppers',
        ],
        r.strategies.map((s) => [
          s.strategy,
          int(s.rps),
          ms(s.p99),
          int(s.orders),
          int(s.oversold),
          int(s.unsold),
          int(s.duplicates),
          s.seconds.toFixed(1),
          int(s.shoppersPerSecond),
          s.note ?? answers(s.outcomes),
        ]),
      ),
    );
  }
  if (r.verdict) {
    const v = r.verdict;
    out.push(
      `verdict: ${v.exact ? 'EXACT' : 'WRONG'} — oversold ${v.oversold}, undersold ${v.undersold}, ` +
        `duplicates ${v.duplicates} over ${v.sales.length} sale(s) sold through Redis + RabbitMQ`,
    );
  }
  if (r.targets.length) {
    out.push('', 'targets');
    for (const t of r.targets) {
      const mark = t.met === null ? '·' : t.met ? '✓' : '✗';
      const value = t.value === null ? 'n/a' : String(round(t.value, 3));
      out.push(`  ${mark} ${t.name}: ${value} (goal ${t.goal})`);
    }
  }
  if (r.cpuBudgets.length) {
    out.push('', 'what each rate target leaves the API (CPU µs per answer, from the table above)');
    for (const b of r.cpuBudgets) out.push(formatBudget(b));
  }
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n');
}
