import type { ConsistencyReport } from '@seckill/contracts';
import { selectOrderBooks } from '@seckill/db';
import { checkSaleSettled } from '@seckill/server';
import type { BenchUser } from '../fixtures.ts';
import { labCrowd, Outcomes, shopperCrowd } from '../journeys.ts';
import { runLoad } from '../load.ts';
import type { Strategy } from '../options.ts';
import { Recorder, type EndpointStats } from '../stats.ts';
import { commitTimes, type Bench } from './context.ts';

export interface CrowdResult {
  strategy: Strategy;
  goodsId: number;
  users: number;
  stock: number;
  /** How the shoppers ended, by outcome. */
  outcomes: Record<string, number>;
  endpoints: Record<string, EndpointStats>;
  /** From the first request sent to the last answer. */
  seconds: number;
  /** Answers of every endpoint. */
  requests: number;
  /** CPU µs per answer (any endpoint) by process while the crowd ran. */
  cpuUs: Record<string, number>;
  /** Orders in MySQL once everything settled. */
  orders: number;
  duplicates: number;
  oversold: number;
  unsold: number;
  /** The product's path only: from the first order request to the last order committed. */
  firstOrderToLastCommitMs: number | null;
  /** The product's path only: from the last order request sent to the last order committed. */
  lastOrderToLastCommitMs: number | null;
  consistency: ConsistencyReport | null;
}

/** Opens a sale and lets the whole crowd at it, each shopper once, through one way to sell. */
export async function runCrowd(
  b: Bench,
  strategy: Strategy,
  users: BenchUser[],
  title: string,
  stock = b.opts.stock,
): Promise<CrowdResult> {
  const goodsId = await b.api.createSale(b.adminToken, `bench ${strategy}`, stock);
  const outcomes = new Outcomes();
  const recorder = new Recorder();
  const run = await runLoad({
    title,
    url: b.stack.target.url,
    connections: b.opts.connections,
    maxSeconds: 600,
    loadtestKey: b.stack.target.loadtestKey,
    connection:
      strategy === 'redis-mq'
        ? shopperCrowd(users, goodsId, outcomes)
        : labCrowd(users, strategy, goodsId, outcomes),
    recorder,
    cpu: b.cpu,
    progress: { total: users.length, done: () => outcomes.finished, unit: 'shoppers' },
  });
  const seconds = recorder.spanMs() / 1000;
  const endpoints = Object.fromEntries(
    recorder.kindsSeen().map((kind) => [kind, recorder.stats(kind)] as const),
  );

  let consistency: ConsistencyReport | null = null;
  let firstOrderToLastCommitMs: number | null = null;
  let lastOrderToLastCommitMs: number | null = null;
  if (strategy === 'redis-mq') {
    b.sales.push(goodsId);
    consistency = await checkSaleSettled(
      b.stack.db,
      b.stack.stock,
      goodsId,
      () => b.stack.depth(),
      { timeoutMs: 120_000, quietMs: 1000 },
    );
    const span = recorder.span('order');
    const commits = await commitTimes(b, goodsId);
    if (span && commits.last !== null) {
      firstOrderToLastCommitMs = Math.round(commits.last - span.firstSent);
      lastOrderToLastCommitMs = Math.round(commits.last - span.lastSent);
    }
  }
  const books = await orderBooks(b, goodsId);
  return {
    strategy,
    goodsId,
    users: users.length,
    stock,
    outcomes: outcomes.summary(),
    endpoints,
    seconds,
    requests: recorder.total,
    cpuUs: run.cpuUs,
    orders: books.orders,
    duplicates: books.duplicates,
    oversold: Math.max(0, books.orders - stock),
    unsold: Math.max(0, stock - books.orders),
    firstOrderToLastCommitMs,
    lastOrderToLastCommitMs,
    consistency,
  };
}

async function orderBooks(b: Bench, goodsId: number) {
  const r = await selectOrderBooks(b.stack.db, goodsId);
  return { orders: Number(r?.orders ?? 0), duplicates: Number(r?.duplicates ?? 0) };
}
