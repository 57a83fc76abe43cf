/**
 * `pnpm bench`: a whole flash sale through the real HTTP API, measured against a baseline of the
 * same machine in the same run. See USAGE in options.ts for the options, README for the phases.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { ConsistencyReport } from '@seckill/contracts';
import { checkSaleSettled } from '@seckill/server';
import { CpuMeter } from './cpu.ts';
import { Api, UserFactory } from './fixtures.ts';
import { renderHtml } from './html.ts';
import { parseOptions, USAGE, type Options, type Phase } from './options.ts';
import { measureBaseline } from './phases/baseline.ts';
import type { Bench } from './phases/context.ts';
import { runCrowd } from './phases/crowd.ts';
import { measureDrain } from './phases/drain.ts';
import { measureDurableLimit } from './phases/durable.ts';
import {
  clusterPlan,
  formatInstances,
  nginxConnectionsPerAddress,
  type InstanceRow,
} from './phases/instances.ts';
import { prepareWebDist, runSoak, type WebDist } from './phases/soak.ts';
import { measureRoom } from './phases/room.ts';
import { measureStreams } from './phases/streams.ts';
import { measureLateOrders, measureOrders } from './phases/throughput.ts';
import { withProgress } from './progress.ts';
import {
  assembleReport,
  cellName,
  formatReport,
  type BaselineRuns,
  type BenchReport,
  type CrowdWarmup,
  type DrainSummary,
  type OrderPhaseStats,
  type StrategyRow,
} from './report.ts';
import { REPO_ROOT, Stack, type StackSettings } from './stack.ts';
import { bracketed, round, type EndpointStats } from './stats.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

function machine() {
  const cpus = os.cpus();
  return { cpus: cpus.length, cpuModel: cpus[0]?.model.trim() ?? 'unknown', node: process.version };
}

function shownOptions(o: Options) {
  const { help: _help, outDir: _outDir, ...rest } = o;
  return rest;
}

/** Paths issued for the order phase: enough for `--duration` at this share of the baseline's rate. */
const ORDER_SIZING = 0.65;

/** The cells of `--matrix`, in the order they run. */
const MATRIX: StackSettings[] = [
  { queueType: 'quorum', groupCommit: true },
  { queueType: 'quorum', groupCommit: false },
  { queueType: 'classic', groupCommit: true },
  { queueType: 'classic', groupCommit: false },
];

/** What every phase works with, on a stack: an admin, the shoppers' factory, the CPU meter. */
async function openBench(opts: Options, stack: Stack): Promise<Bench> {
  const users = new UserFactory(stack.db, stack.target);
  const [admin] = await users.create(1, 'admin');
  if (!admin) throw new Error('no admin user');
  const pids: Record<string, number | undefined> = { bench: process.pid };
  return {
    opts,
    stack,
    api: new Api(stack.target),
    users,
    adminToken: admin.token,
    sales: [],
    log,
    pids,
    cpu: new CpuMeter(() => ({ ...pids, ...stack.pids() })),
  };
}

async function fullRun(b: Bench): Promise<BenchReport> {
  const { opts } = b;
  const has = (p: Phase) => opts.phases.includes(p);
  const t = Date.now();
  const crowdUsers = has('crowd') || has('room') ? await b.users.create(opts.users) : [];
  if (has('crowd'))
    log(`${opts.users} shoppers created in bulk, tokens signed: ${Date.now() - t} ms`);

  const baselineToken = crowdUsers[0]?.token ?? b.adminToken;
  const baselineFirst = has('baseline') ? await measureBaseline(b, baselineToken) : null;
  if (baselineFirst)
    log(`baseline: ${Math.round(baselineFirst.rps)} req/s, p99 ${baselineFirst.p99} ms`);
  let baseline = baselineFirst;

  const crowdWarmup = has('crowd') && !opts.cold ? await warmUp(b) : null;
  const crowd = has('crowd')
    ? await runCrowd(b, 'redis-mq', crowdUsers, 'crowd: path → order → result')
    : null;
  if (crowd) log(`crowd: ${JSON.stringify(crowd.outcomes)}`);

  // Right before the order phase it is compared with; on the bench's own stack only (it makes a
  // table of its own in the bench's database).
  const durableLimit =
    has('orders') && baseline && b.stack.target.own
      ? await measureDurableLimit(b, baselineToken)
      : null;
  if (durableLimit) {
    log(
      `durable limit: ${Math.round(durableLimit.rps)} req/s, p99 ${durableLimit.p99} ms, durable ` +
        `${Math.round(durableLimit.durable.durableOrdersPerSec)} orders/s`,
    );
  }
  const orders =
    has('orders') && baseline ? await measureOrders(b, baseline.rps * ORDER_SIZING) : null;
  if (orders) {
    log(
      `order requests: ${Math.round(orders.rps)} req/s, p99 ${orders.p99} ms, durable ` +
        `${Math.round(orders.durable.durableOrdersPerSec)} orders/s, last commit lag ` +
        `${orders.durable.lastCommitLagMs ?? '–'} ms`,
    );
  }

  const late = has('late') && baseline ? await measureLateOrders(b, baseline.rps) : null;
  if (late) log(`late orders: ${Math.round(late.rps)} req/s, p99 ${late.p99} ms`);

  // The baseline once more after the phases its ratios compare (see bracketed in stats.ts).
  let baselineRuns: BaselineRuns | null = null;
  if (baselineFirst && (crowd || orders || late)) {
    const again = await measureBaseline(b, baselineToken);
    log(`baseline again: ${Math.round(again.rps)} req/s, p99 ${again.p99} ms`);
    baseline = bracketed(baselineFirst, again);
    baselineRuns = {
      before: { rps: baselineFirst.rps, p99: baselineFirst.p99 },
      after: { rps: again.rps, p99: again.p99 },
    };
  }

  // Sized on the order phase when it ran (paths to spare), else on the baseline like that phase.
  const streamsRps = orders ? orders.rps * 1.5 : (baseline?.rps ?? 0) * 0.65;
  const streams =
    has('streams') && baseline ? await measureStreams(b, streamsRps, opts.streams) : null;
  if (streams) {
    log(
      `streams: orders ${Math.round(streams.without.rps)} → ${Math.round(streams.with.rps)} req/s, ` +
        `p99 ${streams.without.p99} → ${streams.with.p99} ms with ${streams.openAtStart} streams open`,
    );
  }

  let drain: DrainSummary | null = null;
  if (has('drain') && b.stack.target.own) {
    const batched = await measureDrain(b, opts.drain, 200);
    const single = await measureDrain(b, opts.drain, 1);
    await b.stack.startConsumer(200);
    const ratio = single.ordersPerSecond > 0 ? batched.ordersPerSecond / single.ordersPerSecond : 0;
    drain = { batched, single, ratio: round(ratio, 2) };
  } else if (has('drain')) {
    drain = { skipped: 'the consumer of an app given by --url is not the bench’s to stop' };
  }

  const room = has('room') ? await measureRoom(b, crowdUsers) : null;

  const consistency = await settleAll(b);
  const notes: string[] = [];
  if (orders) notes.push(...orderNotes('the order phase', orders, opts));
  if (durableLimit) notes.push(...orderNotes('the durable limit', durableLimit, opts));
  for (const [name, s] of streams
    ? Object.entries({ without: streams.without, with: streams.with })
    : []) {
    if (s.spanMs < opts.duration * 900)
      notes.push(
        `the streams phase's orders ${name} streams used all their paths in ${s.spanMs} ms`,
      );
  }
  if (streams && streams.openAtEnd < streams.openAtStart) {
    notes.push(
      `${streams.openAtStart - streams.openAtEnd} SSE streams closed during the measured window`,
    );
  }
  return assembleReport({
    kind: 'full',
    machine: machine(),
    options: shownOptions(opts),
    target: { url: b.stack.target.url, own: b.stack.target.own },
    settings: b.stack.settings,
    baseline,
    baselineRuns,
    durableLimit,
    crowdWarmup,
    crowd,
    orders,
    late,
    drain,
    streams,
    room,
    consistency,
    notes,
  });
}

/**
 * The crowd is measured on an API whose code has run before, as a shop's has: first a smaller
 * sale (a fifth of the shoppers, other ones, and of the units) goes through the same journeys,
 * unmeasured. Its shoppers are others, so none of the crowd's tokens is known to the API yet.
 * Measured on an API just started (V8 still interpreting the hot path), the same crowd took
 * about 1.4× as long; `--cold` measures that instead.
 */
async function warmUp(b: Bench): Promise<CrowdWarmup> {
  const users = await b.users.create(Math.max(100, Math.round(b.opts.users / 5)));
  const stock = Math.max(10, Math.round(b.opts.stock / 5));
  const c = await runCrowd(b, 'redis-mq', users, 'crowd warm-up (not measured)', stock);
  log(`crowd warm-up: ${users.length} shoppers, ${stock} units, ${c.seconds.toFixed(2)} s`);
  return {
    users: c.users,
    stock: c.stock,
    seconds: round(c.seconds, 2),
    pathRps: c.endpoints.path?.rps ?? 0,
  };
}

/** What to say about an order measurement: paths run out early, orders missing in MySQL. */
function orderNotes(name: string, o: OrderPhaseStats, opts: Options): string[] {
  const notes: string[] = [];
  if (o.spanMs < opts.duration * 900) notes.push(`${name} used all its paths in ${o.spanMs} ms`);
  const d = o.durable;
  if (d && d.committed < d.accepted) {
    notes.push(`${name}: only ${d.committed} of ${d.accepted} accepted orders reached MySQL`);
  }
  if (d && !d.published && d.accepted > 0) {
    notes.push(`${name}: orders per message not observed (the API's probe printed nothing)`);
  }
  return notes;
}

/**
 * `--matrix`: for each queue type × group commit, a fresh stack (own database, prefix and so
 * queues, declared anew with that type) with `AMQP_QUEUE_TYPE` and `PUBLISH_GROUP_COMMIT` set,
 * the order phase on it, its sales checked, the stack removed. The baseline runs once, first.
 */
async function matrixRun(opts: Options, track: (s: Stack | null) => void): Promise<BenchReport> {
  let baseline: EndpointStats | null = null;
  let target: BenchReport['target'] = { url: '', own: true };
  const cells: Array<StackSettings & { orders: OrderPhaseStats }> = [];
  const consistency: ConsistencyReport[] = [];
  const notes: string[] = [];
  for (const cell of MATRIX) {
    const name = cellName(cell);
    log(`\nmatrix: ${name}`);
    const stack = await Stack.startOwn(log, {
      env: {
        AMQP_QUEUE_TYPE: cell.queueType,
        PUBLISH_GROUP_COMMIT: cell.groupCommit ? '1' : '0',
      },
    });
    track(stack);
    try {
      if (
        stack.settings.queueType !== cell.queueType ||
        stack.settings.groupCommit !== cell.groupCommit
      ) {
        throw new Error(`the stack for ${name} came up as ${cellName(stack.settings)}`);
      }
      target = { url: stack.target.url, own: true };
      const b = await openBench(opts, stack);
      if (!baseline) {
        baseline = await measureBaseline(b, b.adminToken);
        log(`baseline: ${Math.round(baseline.rps)} req/s, p99 ${baseline.p99} ms`);
      }
      const orders = await measureOrders(b, baseline.rps * ORDER_SIZING, {
        label: `order (${name})`,
      });
      log(
        `${name}: ${Math.round(orders.rps)} accepted req/s, durable ` +
          `${Math.round(orders.durable.durableOrdersPerSec)} orders/s, p99 ${orders.p99} ms, ` +
          `${orders.durable.published?.ordersPerMessage ?? '–'} orders per message`,
      );
      cells.push({ ...cell, orders });
      notes.push(...orderNotes(`the cell ${name}`, orders, opts));
      consistency.push(...(await settleAll(b)));
    } finally {
      await stack.close({ keep: opts.keep });
      track(null);
    }
  }
  return assembleReport({
    kind: 'matrix',
    machine: machine(),
    options: shownOptions(opts),
    target,
    baseline,
    matrix: cells,
    consistency,
    notes,
  });
}

/** Phase 6: every sale sold through the product's path, once the queue is empty and quiet. */
async function settleAll(b: Bench): Promise<ConsistencyReport[]> {
  const reports: ConsistencyReport[] = [];
  await withProgress('verdict: settling and checking', b.sales.length, async (tick) => {
    for (const [i, id] of b.sales.entries()) {
      const r = await checkSaleSettled(b.stack.db, b.stack.stock, id, () => b.stack.depth(), {
        timeoutMs: 120_000,
        quietMs: i === 0 ? 1000 : 200,
      });
      if (r) reports.push(r);
      tick(i + 1);
    }
  });
  return reports;
}

async function soakRun(b: Bench, seconds: number, web: WebDist): Promise<BenchReport> {
  const soak = await runSoak(b, seconds, web);
  const consistency = await settleAll(b);
  return assembleReport({
    kind: 'soak',
    machine: machine(),
    options: shownOptions(b.opts),
    target: { url: b.stack.target.url, own: b.stack.target.own },
    soak,
    consistency,
  });
}

async function strategyRun(b: Bench, strategies: NonNullable<Options['strategies']>) {
  const users = await b.users.create(b.opts.users);
  const rows: StrategyRow[] = [];
  const consistency: ConsistencyReport[] = [];
  for (const strategy of strategies) {
    const c = await runCrowd(b, strategy, users, `strategy ${strategy}`);
    const order = c.endpoints.order;
    const labOff = strategy !== 'redis-mq' && c.outcomes.NOT_FOUND === c.users;
    rows.push({
      strategy,
      rps: c.seconds > 0 ? round(c.requests / c.seconds, 1) : 0,
      shoppersPerSecond: c.seconds > 0 ? round(c.users / c.seconds, 1) : 0,
      p99: order?.p99 ?? 0,
      orders: c.orders,
      oversold: c.oversold,
      unsold: c.unsold,
      duplicates: c.duplicates,
      seconds: round(c.seconds, 2),
      outcomes: c.outcomes,
      note: labOff ? 'lab mode is off: start the API with SECKILL_LAB=1' : undefined,
    });
    if (c.consistency) consistency.push(c.consistency);
    log(`${strategy}: crowd served in ${c.seconds.toFixed(1)} s, ${c.orders} orders of ${c.stock}`);
  }
  return assembleReport({
    kind: 'strategies',
    machine: machine(),
    options: shownOptions(b.opts),
    target: { url: b.stack.target.url, own: b.stack.target.own },
    strategies: rows,
    consistency: consistency.length ? consistency : null,
  });
}

async function main() {
  const opts = parseOptions(process.argv.slice(2), REPO_ROOT);
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  if (opts.matrix) {
    await matrixMain(opts);
    return;
  }
  if (opts.instances) {
    await instancesMain(opts, opts.instances);
    return;
  }
  // The soak serves the web build, and has its children write diagnostic reports (heap, handles)
  // into a private folder of its own, removed at the end: they hold the children's environment.
  const web = opts.soak !== null ? prepareWebDist(log) : null;
  const reportDir = opts.soak !== null ? mkdtempSync(join(os.tmpdir(), 'seckill-soak-')) : null;
  const cleanup = () => {
    if (reportDir) rmSync(reportDir, { recursive: true, force: true });
    if (web?.temporary) rmSync(web.path, { recursive: true, force: true });
  };
  if (reportDir) for (const p of ['api', 'consumer']) mkdirSync(join(reportDir, p));
  const stack = await (
    opts.url
      ? Stack.external(opts.url)
      : Stack.startOwn(log, { profileDir: opts.profileDir, webDist: web?.path, reportDir })
  ).catch((err: unknown) => {
    cleanup();
    throw err;
  });
  let interrupted = false;
  const onSignal = (signal: string) => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${signal}: stopping the bench and cleaning up…`);
    void stack
      .close({ keep: opts.keep })
      .finally(cleanup)
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    const b = await openBench(opts, stack);
    const report =
      opts.soak !== null && web
        ? await soakRun(b, opts.soak, web)
        : opts.strategies
          ? await strategyRun(b, opts.strategies)
          : await fullRun(b);
    await writeReports(opts, report);
  } catch (err) {
    const cause = err instanceof Error && err.cause ? `\ncause: ${String(err.cause)}` : '';
    log(`\nthe bench failed${cause}; the stack it ran:\n${stack.childrenReport()}`);
    throw err;
  } finally {
    if (!interrupted) {
      await stack.close({ keep: opts.keep });
      cleanup();
    }
  }
}

async function writeReports(opts: Options, report: BenchReport) {
  console.log(`\n${formatReport(report)}`);
  mkdirSync(opts.outDir, { recursive: true });
  const json = join(opts.outDir, 'bench-report.json');
  const html = join(opts.outDir, 'bench-report.html');
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(html, renderHtml(report));
  log(`\nwrote ${json} and ${html}`);
}

/** `--matrix`: one stack after another; Ctrl-C removes the one running. */
async function matrixMain(opts: Options) {
  let current: Stack | null = null;
  let interrupted = false;
  const onSignal = (signal: string) => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${signal}: stopping the bench and cleaning up…`);
    void Promise.resolve(current?.close({ keep: opts.keep })).finally(() => process.exit(130));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  const report = await matrixRun(opts, (s) => (current = s));
  await writeReports(opts, report);
}

/**
 * `--instances 1,2,3`: the baseline once, then for each count a local cluster (nginx in front of
 * N API instances) and the order phase through nginx; with 1, also straight to the instance.
 */
async function instancesMain(given: Options, counts: number[]) {
  // One address holds at most this many requests at nginx: every row uses the same connections.
  const perAddress = nginxConnectionsPerAddress();
  const opts = { ...given, connections: Math.min(given.connections, perAddress) };
  if (opts.connections < given.connections)
    log(`instances: ${opts.connections} connections (nginx allows ${perAddress} per address)`);
  const plan = clusterPlan(log, (url, env, pathsUrl) => Stack.external(url, env, pathsUrl));
  let stopCurrent: (() => Promise<void>) | null = null;
  process.on(
    'SIGINT',
    () => void Promise.resolve(stopCurrent?.()).finally(() => process.exit(130)),
  );
  const rows: InstanceRow[] = [];
  let baseline: EndpointStats | null = null;
  for (const n of counts) {
    const run = await plan.start(n);
    stopCurrent = run.stop;
    try {
      const stack = plan.stacks.get(run.balancer);
      if (!stack) throw new Error('no stack');
      const b = await openBench(opts, stack);
      baseline ??= await measureBaseline(b, b.adminToken);
      const label = `${n} instance${n > 1 ? 's' : ''} behind nginx`;
      rows.push({
        topology: label,
        instances: n,
        viaBalancer: true,
        stats: await measureOrders(b, baseline.rps * ORDER_SIZING, { label }),
      });
      if (n === 1) {
        const direct = await Stack.external(run.direct, stack.childEnvOf());
        try {
          const d = await openBench(opts, direct);
          rows.push({
            topology: '1 instance, direct (no nginx)',
            instances: 1,
            viaBalancer: false,
            stats: await measureOrders(d, baseline.rps * ORDER_SIZING, { label: 'direct' }),
          });
        } finally {
          await direct.close();
        }
      }
    } finally {
      await run.stop();
      stopCurrent = null;
    }
  }
  if (baseline) console.log(`\n${formatInstances(baseline, rows)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
