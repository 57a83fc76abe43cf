import { selectCommitsInWindow } from '@seckill/db';
import type { RowDataPacket } from 'mysql2/promise';
import type { BenchUser } from '../fixtures.ts';
import { fromList, cycling, runLoad } from '../load.ts';
import { withProgress } from '../progress.ts';
import { Recorder, round, type EndpointStats } from '../stats.ts';
import { issuePaths, sleep, waitForQueueEmpty, type Bench } from './context.ts';
import { orderShot } from '../shots.ts';

/** The answer of an accepted order. */
export const ACCEPTED = '202 queued';

/** What the order phase made durable: its orders as MySQL has them, on MySQL's clock. */
export interface DurableFigures {
  /** Order requests answered 202 (accepted: reserved in Redis, confirmed by RabbitMQ). */
  accepted: number;
  /** accepted over the window. */
  acceptedPerSec: number;
  /** The phase's orders in MySQL once the consumer wrote them (or gave up waiting, see notes). */
  committed: number;
  /** Of those, the ones whose committed_at falls inside the measured window. */
  committedInWindow: number;
  /** The measured window: first order request sent → last answer (ms). */
  windowMs: number;
  /** committedInWindow over the window: orders committed in MySQL per second while ordering. */
  durableOrdersPerSec: number;
  /** MAX(committed_at) of the phase's orders − the last 202 answer, both on MySQL's clock (ms). */
  lastCommitLagMs: number | null;
  /**
   * MySQL's clock − the bench's (ms), from `SELECT NOW(3)` right before and right after the
   * window (each at the midpoint of its round trip), and how far off it may be.
   */
  clock: { offsetMs: number; uncertaintyMs: number };
  /**
   * Messages and orders the API's order publisher sent in the window (its `sent` counters, read
   * by bench/src/probe.ts), and orders per message; null for an app given by --url.
   */
  published: { messages: number; orders: number; ordersPerMessage: number | null } | null;
  /** Whole-stack CPU (every metered process) per accepted order, µs. */
  cpuUsPerAccepted: number | null;
}

export type OrderStats = EndpointStats & { durable: DurableFigures };

/** MySQL's clock − the bench's (ms), and half the round trip it was read in. */
export interface ClockReading {
  offsetMs: number;
  halfRttMs: number;
}

/** MySQL's clock − the bench's, at the midpoint of one `SELECT NOW(3)`. */
export async function mysqlOffset(b: Bench): Promise<ClockReading> {
  const t0 = Date.now();
  const [rows] = await b.stack.db.query<RowDataPacket[]>(
    'SELECT UNIX_TIMESTAMP(NOW(3)) * 1000 AS now',
  );
  const t1 = Date.now();
  return { offsetMs: Number(rows[0]?.now) - (t0 + t1) / 2, halfRttMs: (t1 - t0) / 2 };
}

/**
 * The phase's orders in MySQL: how many, how many committed in [from, to], the last commit (MySQL
 * clock, ms). `table`: the product's orders, or the durable limit's own (phases/durable.ts).
 */
async function commitsOf(b: Bench, sales: number[], from: number, to: number, table = 'orders') {
  const r = await selectCommitsInWindow(b.stack.db, sales, from, to, table);
  return {
    committed: Number(r?.n ?? 0),
    inWindow: Number(r?.in_window ?? 0),
    last: r?.last == null ? null : Number(r.last),
  };
}

/** Waits until `wanted` orders of these sales are in MySQL (or nothing moved for 30 s). */
export async function waitForCommits(
  b: Bench,
  title: string,
  sales: number[],
  wanted: number,
  table = 'orders',
) {
  await withProgress(title, wanted, async (tick) => {
    let seen = -1;
    let movedAt = Date.now();
    for (;;) {
      const { committed } = await commitsOf(b, sales, 0, 0, table);
      tick(committed);
      if (committed >= wanted) return;
      if (committed !== seen) {
        seen = committed;
        movedAt = Date.now();
      } else if (Date.now() - movedAt > 30_000) return;
      await sleep(50);
    }
  });
}

/** Sales one shopper orders from in the order phase: within the per-user limits (10 per 10 s). */
const SALES_PER_SHOPPER = 4;

/** What the streams phase does around an order measurement (see measureOrders). */
export interface OrderRunOptions {
  /** Names the progress bars, the log line and the sales. */
  label?: string;
  /** Once the shoppers and sales exist, before any path is issued. */
  prepared?: (run: { users: BenchUser[]; sales: number[] }) => Promise<void>;
  /** Right before the first order request is sent. */
  windowStart?: () => void;
  /** Right after the last order answer, before the consumer is waited for. */
  windowEnd?: () => void;
}

/**
 * Phase 3: order requests alone, each with a fresh one-time path issued beforehand, on sales with
 * stock for every one of them — each request runs the whole path: token, limit, Lua, confirmed
 * publish. Enough paths are issued for `duration` seconds at `expectedRps`; the phase ends when
 * the time is up or the paths are used. The streams phase runs it twice, with `o`'s hooks.
 */
export async function measureOrders(
  b: Bench,
  expectedRps: number,
  o: OrderRunOptions = {},
): Promise<OrderStats> {
  const label = o.label ?? 'order';
  const wanted = Math.min(150_000, Math.max(2000, Math.round(expectedRps * b.opts.duration)));
  const perSale = Math.ceil(wanted / SALES_PER_SHOPPER);
  b.log(`${label}: ${perSale} shoppers × ${SALES_PER_SHOPPER} sales, one path each`);
  const users = await b.users.create(perSale);
  const sales: number[] = [];
  for (let i = 0; i < SALES_PER_SHOPPER; i += 1) {
    sales.push(await b.api.createSale(b.adminToken, `bench ${label} ${i + 1}`, perSale));
  }
  b.sales.push(...sales);
  await o.prepared?.({ users, sales });
  const pairs = sales.flatMap((goodsId) => users.map((user) => ({ user, goodsId })));
  const paths = await issuePaths(b, `${label}: issuing paths`, pairs);
  const shots = pairs.flatMap((p, i) => {
    const path = paths[i];
    return path ? [orderShot('order', p.goodsId, path, p.user.token)] : [];
  });
  const recorder = new Recorder();
  o.windowStart?.();
  const published0 = b.stack.publishCounts();
  const clock0 = await mysqlOffset(b);
  const run = await runLoad({
    title: `${label} requests (${b.opts.connections} conn)`,
    url: b.stack.target.url,
    connections: b.opts.connections,
    maxSeconds: b.opts.duration,
    loadtestKey: b.stack.target.loadtestKey,
    connection: fromList(shots),
    recorder,
    cpu: b.cpu,
  });
  const clock1 = await mysqlOffset(b);
  o.windowEnd?.();
  const stats = { ...recorder.stats('order'), cpuUs: run.cpuUs };
  // Every publish of an answered order is confirmed by now; the probe prints within 100 ms.
  await sleep(250);
  const published1 = b.stack.publishCounts();

  const accepted = stats.answers[ACCEPTED] ?? 0;
  let published: DurableFigures['published'] = null;
  if (published0 && published1) published = publishedBetween(published0, published1);
  // The requests still in flight when the time was up got no answer, but their orders were
  // published all the same (the probe counts them): the last commit is the last of those too.
  const toWrite = Math.max(accepted, published?.orders ?? 0);
  await waitForCommits(b, `${label}: orders into MySQL`, sales, toWrite);
  await waitForQueueEmpty(b, `${label}: consumer catching up`);

  const durable = await durableFigures(b, {
    kind: 'order',
    recorder,
    stats,
    clocks: [clock0, clock1],
    sales,
    published,
  });
  if (durable.committed < accepted) {
    b.log(`  ${label}: only ${durable.committed} of ${accepted} accepted orders reached MySQL`);
  }
  return { ...stats, durable };
}

/** Messages and orders a publisher sent between two readings of its counters. */
export function publishedBetween(
  before: { messages: number; orders: number },
  after: { messages: number; orders: number },
): NonNullable<DurableFigures['published']> {
  const messages = after.messages - before.messages;
  const orders = after.orders - before.orders;
  return { messages, orders, ordersPerMessage: messages > 0 ? round(orders / messages, 2) : null };
}

/**
 * What a load of order requests (recorded under `kind`) made durable: its orders in `table` once
 * written, with the window and the last accepted answer moved onto MySQL's clock by the mean of
 * the two clock readings taken right before and after it.
 */
export async function durableFigures(
  b: Bench,
  o: {
    kind: string;
    recorder: Recorder;
    stats: EndpointStats;
    clocks: [ClockReading, ClockReading];
    sales: number[];
    table?: string;
    published: DurableFigures['published'];
  },
): Promise<DurableFigures> {
  const [clock0, clock1] = o.clocks;
  const offset = (clock0.offsetMs + clock1.offsetMs) / 2;
  const uncertainty =
    Math.max(clock0.halfRttMs, clock1.halfRttMs) + Math.abs(clock0.offsetMs - clock1.offsetMs) / 2;
  const span = o.recorder.span(o.kind);
  const lastAccepted = o.recorder.lastAnswered(o.kind, ACCEPTED);
  const from = (span?.firstSent ?? 0) + offset;
  const to = (span?.lastAnswered ?? 0) + offset;
  const c = await commitsOf(b, o.sales, from, to, o.table);
  const windowMs = span ? span.lastAnswered - span.firstSent : 0;
  const accepted = o.stats.answers[ACCEPTED] ?? 0;
  const cpuTotal = o.stats.cpuUs?.total;
  return {
    accepted,
    acceptedPerSec: windowMs > 0 ? round((accepted * 1000) / windowMs, 1) : 0,
    committed: c.committed,
    committedInWindow: c.inWindow,
    windowMs: Math.round(windowMs),
    durableOrdersPerSec: windowMs > 0 ? round((c.inWindow * 1000) / windowMs, 1) : 0,
    lastCommitLagMs:
      c.last !== null && lastAccepted !== null
        ? Math.round(c.last - (lastAccepted + offset))
        : null,
    clock: { offsetMs: round(offset, 1), uncertaintyMs: round(uncertainty, 1) },
    published: o.published,
    cpuUsPerAccepted:
      cpuTotal !== undefined && accepted > 0
        ? round((cpuTotal * o.stats.count) / accepted, 1)
        : null,
  };
}

/**
 * Phase 4: orders after the sale sold out. Every shopper holds a path issued while units were
 * left (as a late crowd would); the first one that reaches Redis learns SOLD_OUT and sets the
 * instance's local flag, which then answers everyone else without Redis for SOLD_OUT_FLAG_MS.
 * Enough shoppers that none passes the per-user order limit.
 */
export async function measureLateOrders(b: Bench, expectedRps: number): Promise<EndpointStats> {
  const count = Math.min(80_000, Math.max(b.opts.users, Math.ceil(expectedRps * 1.2)));
  const users = await b.users.create(count);
  const goodsId = await b.api.createSale(b.adminToken, 'bench late orders', 1);
  b.sales.push(goodsId);
  const paths = await issuePaths(
    b,
    'late: issuing paths',
    users.map((user) => ({ user, goodsId })),
  );
  const [first, ...late] = users.flatMap((u, i) => {
    const path = paths[i];
    return path ? [orderShot('late order', goodsId, path, u.token)] : [];
  });
  if (!first) throw new Error('no path was issued for the late-order sale');
  const sold = await b.api.call('POST', first.path, { token: first.token });
  if (sold.status !== 202)
    b.log(`  the one unit answered ${sold.status}: ${JSON.stringify(sold.body)}`);

  const recorder = new Recorder();
  const until = Date.now() + b.opts.duration * 1000;
  const run = await runLoad({
    title: 'late orders (sold out)',
    url: b.stack.target.url,
    connections: b.opts.connections,
    maxSeconds: b.opts.duration,
    loadtestKey: b.stack.target.loadtestKey,
    connection: cycling(late, () => Date.now() >= until),
    recorder,
    cpu: b.cpu,
  });
  return { ...recorder.stats('late order'), cpuUs: run.cpuUs };
}
