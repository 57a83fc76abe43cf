import http from 'node:http';
import { send } from './http.ts';
import type { ConsistencyReport } from '@seckill/contracts';
import { createPool, hashPassword, insertUsers, migrate, mysqlConfigFromEnv } from '@seckill/db';
import { OrderPublisher, queueNames } from '@seckill/queue';
import { createRedis, StockStore } from '@seckill/stock';
import {
  freePort,
  isolatedDeployment,
  NodeChild,
  removeDeployment,
  sleep,
  waitFor,
} from '@seckill/test-stack';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { TokenService } from '../../src/http/auth.ts';
import { checkSaleSettled } from '../../src/seckill/consistency.ts';
import { SaleEvents } from '../../src/seckill/events.ts';

/** One process of the deployment, with the port it serves on (0 for a consumer). */
export type Proc = NodeChild & { port: number };

export { sleep, waitFor };

/** How a verdict was reached: it waited for the reconciler's window, then for exact books. */
export interface Settled {
  report: ConsistencyReport;
  /** From the call until the report was taken. */
  waitedMs: number;
  /** Settled reads (each until the books stood still) before the books were exact or time ran out. */
  checks: number;
}

/**
 * The processes of one deployment, started as they run in production (one API or consumer per OS
 * process), sharing their own database, Redis key prefix and queue names on the real services.
 */
export async function startStack(env: Record<string, string> = {}) {
  const deployment = isolatedDeployment('f');
  const { id } = deployment;
  const base: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'test',
    ...deployment.env,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    RECONCILE_INTERVAL_MS: '1000',
    RECONCILE_GRACE_MS: '3000',
    ...env,
  };
  const mysqlCfg = mysqlConfigFromEnv(base);
  await migrate(mysqlCfg);
  const db = createPool(mysqlCfg, { connectionLimit: 4 });
  const redis = createRedis(loadConfig(base), { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  const stock = new StockStore(redis, base.SECKILL_PREFIX ?? '');
  const names = queueNames(base.SECKILL_PREFIX ?? '');
  const publisher = new OrderPublisher({
    url: base.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    names,
    confirmTimeoutMs: 3000,
  });
  await publisher.start();
  await publisher.waitReady(20_000);
  const tokens = new TokenService(base.JWT_SECRET ?? '', 3600);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });
  const procs = new Set<Proc>();

  async function spawnProc(
    script: string,
    port: number,
    extra: Record<string, string>,
    ready: RegExp,
  ): Promise<Proc> {
    const proc = Object.assign(
      new NodeChild(script, { script, env: { ...base, PORT: String(port), ...extra } }),
      { port },
    );
    procs.add(proc);
    void proc.exited.then(() => procs.delete(proc));
    return proc.waitForLine(ready);
  }

  const startApi = async (extra: Record<string, string> = {}) =>
    spawnProc(
      'server/src/main.ts',
      await freePort(),
      { LOG_LEVEL: 'info', ...extra },
      /API listening/,
    );
  const startConsumer = (extra: Record<string, string> = {}) =>
    spawnProc('consumer/src/main.ts', 0, { LOG_LEVEL: 'info', ...extra }, /consuming orders/);

  function request(port: number, method: string, path: string, token?: string, loadtest = false) {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (loadtest) headers['x-loadtest-key'] = base.SECKILL_LOADTEST_KEY ?? '';
    // A killed instance drops its connections: that shopper got no answer (NO_ANSWER).
    return send({ port, method, path, headers, agent });
  }

  let userBatch = 0;
  /** Shoppers with tokens; `balance` (cents) is in their wallets, as a seed entry of the ledger. */
  async function createUsers(count: number, balance = 0) {
    const batch = userBatch++;
    const names = Array.from({ length: count }, (_, i) => `f${batch}_${i}`);
    const rows = await insertUsers(db, names, await hashPassword('password123'), 'user', balance);
    return rows.map((u) => ({ id: u.id, token: tokens.sign({ ...u, role: 'user' }) }));
  }

  async function createSale(stockTotal: number) {
    const now = Date.now();
    const [res] = await db.query<any>(
      `INSERT INTO goods (name, description, image_url, price, seckill_price, stock_total, stock_left, start_at, end_at)
       VALUES ('Fault sale', 'A sale a fault test runs', '', 10000, 5000, ?, ?, ?, ?)`,
      [stockTotal, stockTotal, new Date(now - 60_000), new Date(now + 3600_000)],
    );
    const goodsId = Number(res.insertId);
    await stock.warm(
      {
        goodsId,
        startMs: now - 60_000,
        endMs: now + 3600_000,
        price: 5000,
        round: 0,
        stock: stockTotal,
      },
      { reset: true },
    );
    // Made in SQL, so announced as the admin route announces a new sale: every instance drops
    // its list of sales (held for a second), or a refusal could call the new sale unknown.
    await new SaleEvents(redis, redis, base.SECKILL_PREFIX ?? '').announce({
      type: 'changed',
      goodsId,
    });
    return goodsId;
  }

  const reconcileIntervalMs = Number(base.RECONCILE_INTERVAL_MS ?? 10_000);
  const reconcileGraceMs = Number(base.RECONCILE_GRACE_MS ?? 30_000);
  /**
   * What the reconciler needs to repair a fault: a lost reservation is handed to the queue once it
   * is older than the grace and the queue is empty, at the next tick; one more tick for slack.
   */
  const reconcileWindowMs = reconcileGraceMs + 2 * reconcileIntervalMs;

  /**
   * The sale's books once nothing is in flight. After a fault (`since`: when the deployment was
   * whole again), not before the reconciler's window has passed since then; then settled reads
   * (queue empty, books still for 1.5 s) every interval until the books are exact, or until
   * `timeoutMs` has passed: the report is returned either way, for the caller to assert on.
   */
  async function verdict(
    goodsId: number,
    opts: { since?: number; timeoutMs?: number } = {},
  ): Promise<Settled> {
    const called = Date.now();
    if (opts.since !== undefined) await sleep(opts.since + reconcileWindowMs - Date.now());
    const until = Date.now() + (opts.timeoutMs ?? 60_000);
    for (let checks = 1; ; checks += 1) {
      const report = await checkSaleSettled(db, stock, goodsId, () => publisher.depth(), {
        timeoutMs: Math.max(5000, until - Date.now()),
        quietMs: 1500,
      });
      if (!report) throw new Error('no sale');
      if ((report.exact && report.queue.ready === 0) || Date.now() >= until)
        return { report, waitedMs: Date.now() - called, checks };
      await sleep(reconcileIntervalMs);
    }
  }

  async function stop() {
    for (const p of [...procs]) await p.kill('SIGKILL');
    agent.destroy();
    await publisher.close();
    await removeDeployment({
      prefix: deployment.prefix,
      database: deployment.database,
      redis,
      amqpUrl: base.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
      sql: db,
    });
    await db.end();
    redis.disconnect();
  }

  return {
    id,
    env: base,
    db,
    redis,
    stock,
    publisher,
    startApi,
    startConsumer,
    request,
    createUsers,
    createSale,
    reconcileWindowMs,
    verdict,
    stop,
  };
}
export type Stack = Awaited<ReturnType<typeof startStack>>;

/** One HTTP answer a shopper got, with when its request left and when the answer came. */
export interface Answer {
  kind: 'path' | 'order';
  status: number;
  code: string;
  port: number;
  userId: number;
  startedAt: number;
  endedAt: number;
}

/**
 * A fault injected into a running burst. It is injected once `afterAnswered` shoppers have their
 * answer, and the crowd waits for it: `inject` resolves once the fault has landed (the process
 * is dead, the service is down, the keys are gone), `recover` once the deployment is whole again.
 * With `hold`, no new shopper starts between the injection and the landing, so the rest of the
 * burst meets the fault instead of racing it.
 */
export interface CrowdFault {
  name: string;
  afterAnswered: number;
  hold?: boolean;
  inject: () => Promise<void>;
  recover?: () => Promise<void>;
}

/** Where in the burst the fault fell: counts of shoppers when it was injected and when it landed. */
export interface FaultTiming {
  fault: string;
  /** Shoppers answered, still being served (a request out or about to go), and told "queued". */
  answeredAtInject: number;
  inFlightAtInject: number;
  queuedAtInject: number;
  answeredAtLanding: number;
  inFlightAtLanding: number;
  queuedAtLanding: number;
  /** Shoppers answered, and told "queued", after the fault had landed. */
  answeredAfterLanding: number;
  queuedAfterLanding: number;
  /** Since the burst started. */
  injectMs: number;
  landedMs: number;
  recoveredMs: number;
  /** Epoch ms when the deployment was whole again: the verdict's reconcile window starts here. */
  recoveredAt: number;
}

export interface CrowdResult {
  answers: Map<string, number>;
  queued: Set<number>;
  elapsedMs: number;
  fault?: FaultTiming;
}

/**
 * Every user asks for a path and orders, on the API ports in turn (a load balancer's round robin),
 * `concurrency` at a time. A 503 RETRY, a 429 or no answer is tried again after a backoff (200 ms
 * doubling to 1.6 s, which keeps a shopper under the per-user limits), as a shopper would, up to
 * `retries` times. While no instance is up the shopper waits for one without spending a try.
 */
export async function runCrowd(
  stack: Stack,
  goodsId: number,
  users: Array<{ id: number; token: string }>,
  ports: () => number[],
  opts: {
    concurrency?: number;
    retries?: number;
    onProgress?: (done: number) => void;
    onAnswer?: (a: Answer) => void;
    fault?: CrowdFault;
  } = {},
): Promise<CrowdResult> {
  const answers = new Map<string, number>();
  const queued = new Set<number>();
  const count = (k: string) => answers.set(k, (answers.get(k) ?? 0) + 1);
  const retries = opts.retries ?? 100;
  let next = 0;
  let started = 0;
  let done = 0;
  const t0 = Date.now();

  async function ask(
    kind: Answer['kind'],
    port: number,
    path: string,
    u: { id: number; token: string },
  ) {
    const startedAt = Date.now();
    const r = await stack.request(port, 'POST', path, u.token, kind === 'path');
    const code = String(r.body?.code ?? r.body?.status ?? '');
    if (kind === 'order' || r.status !== 200) count(`${kind} ${r.status} ${code}`);
    opts.onAnswer?.({
      kind,
      status: r.status,
      code,
      port,
      userId: u.id,
      startedAt,
      endedAt: Date.now(),
    });
    return r;
  }

  async function shopper(u: { id: number; token: string }) {
    let backoff = 200;
    const again = async () => {
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 1600);
    };
    for (let tries = 0; tries <= retries;) {
      const live = ports();
      if (live.length === 0) {
        // No instance up (one is restarting): the load balancer has nowhere to send the shopper.
        await sleep(100);
        continue;
      }
      const port = live[(u.id + tries) % live.length] ?? 0;
      tries += 1;
      const p = await ask('path', port, `/api/seckill/${goodsId}/path`, u);
      if (p.status !== 200) {
        if (p.status === 503 || p.status === 429 || p.status === 0) await again();
        else return;
        continue;
      }
      const o = await ask('order', port, `/api/seckill/${goodsId}/${p.body.path}/order`, u);
      if (o.status === 202) queued.add(u.id);
      if (o.status === 503 || o.status === 429 || o.status === 0) await again();
      else return;
    }
  }

  // The fault: injected from the worker that answered the `afterAnswered`-th shopper.
  const f = opts.fault;
  let timing: FaultTiming | undefined;
  let faultRun: Promise<void> | null = null;
  let gate: Promise<void> | null = null;
  const snapshot = () => ({ answered: done, inFlight: started - done, queued: queued.size });
  function maybeInject() {
    if (!f || faultRun || done < f.afterAnswered) return;
    const at = snapshot();
    const injectMs = Date.now() - t0;
    let open = () => {};
    if (f.hold) gate = new Promise<void>((r) => (open = r));
    faultRun = (async () => {
      try {
        await f.inject();
      } finally {
        gate = null;
        open();
      }
      const landed = snapshot();
      const landedMs = Date.now() - t0;
      await f.recover?.();
      timing = {
        fault: f.name,
        answeredAtInject: at.answered,
        inFlightAtInject: at.inFlight,
        queuedAtInject: at.queued,
        answeredAtLanding: landed.answered,
        inFlightAtLanding: landed.inFlight,
        queuedAtLanding: landed.queued,
        answeredAfterLanding: 0,
        queuedAfterLanding: 0,
        injectMs,
        landedMs,
        recoveredMs: Date.now() - t0,
        recoveredAt: Date.now(),
      };
    })();
    // Reported once the crowd is done; a failed fault fails the crowd there.
    faultRun.catch(() => {});
  }

  await Promise.all(
    Array.from({ length: opts.concurrency ?? 200 }, async () => {
      for (;;) {
        while (gate) await gate;
        const u = users[next];
        if (!u) return;
        next += 1;
        started += 1;
        await shopper(u);
        done += 1;
        opts.onProgress?.(done);
        maybeInject();
      }
    }),
  );
  if (f && !faultRun) throw new Error(`${f.name}: never injected (${done} shoppers answered)`);
  await faultRun;
  if (timing) {
    timing.answeredAfterLanding = done - timing.answeredAtLanding;
    timing.queuedAfterLanding = queued.size - timing.queuedAtLanding;
  }
  return { answers, queued, elapsedMs: Date.now() - t0, fault: timing };
}

/**
 * The fault fell mid-burst: the sale was still selling when it landed (fewer than `stockTotal`
 * queued), shoppers were being served when it was injected, and shoppers were answered after it.
 */
export function expectMidBurst(t: FaultTiming | undefined, stockTotal: number): FaultTiming {
  expect(t, 'the fault never landed').toBeDefined();
  const timing = t as FaultTiming;
  expect(timing.answeredAtInject).toBeGreaterThan(0);
  expect(timing.inFlightAtInject).toBeGreaterThan(0);
  expect(timing.queuedAtLanding).toBeLessThan(stockTotal);
  expect(timing.answeredAfterLanding).toBeGreaterThan(0);
  return timing;
}

/** Every shopper told "queued" has an order in MySQL. */
export async function queuedWithoutOrder(stack: Stack, goodsId: number, queued: Set<number>) {
  const [rows] = await stack.db.query<any[]>('SELECT user_id FROM orders WHERE goods_id = ?', [
    goodsId,
  ]);
  const buyers = new Set(rows.map((r) => Number(r.user_id)));
  return [...queued].filter((u) => !buyers.has(u));
}

/** The scenario's one-line report: the books, how the verdict was reached, where the fault fell. */
export function summary(
  name: string,
  s: Settled,
  extra: Record<string, unknown> = {},
  fault: Record<string, unknown> | null = null,
) {
  const r = s.report;
  // The epoch of the recovery only serves the verdict; the report keeps durations.
  const { recoveredAt, ...where } = fault ?? {};
  void recoveredAt;
  const line = {
    stock: r.stockTotal,
    orders: r.ordersDb,
    leftMySQL: r.stockLeftDb,
    leftRedis: r.stockLeftRedis,
    buyersRedis: r.buyersRedis,
    queued: r.queue.ready,
    dead: r.queue.deadLetters,
    duplicates: r.duplicates,
    oversold: r.oversold,
    undersold: r.undersold,
    exact: r.exact,
    verdictMs: s.waitedMs,
    checks: s.checks,
    ...extra,
    fault: fault ? where : null,
  };
  console.log(`[fault] ${name}: ${JSON.stringify(line)}`);
}

/**
 * Every scenario ends here: once nothing is in flight (and, after a fault, once the reconciler has
 * had its grace and two intervals since `since`), the sale sold exactly its stock, one unit per
 * buyer, MySQL and Redis agree, and every shopper told "queued" has an order.
 */
export async function expectSoldExactly(
  stack: Stack,
  goodsId: number,
  stockTotal: number,
  queued: Set<number>,
  name: string,
  o: {
    extra?: Record<string, unknown>;
    fault?: Record<string, unknown> | null;
    since?: number;
    timeoutMs?: number;
  } = {},
): Promise<ConsistencyReport> {
  const settled = await stack.verdict(goodsId, { since: o.since, timeoutMs: o.timeoutMs });
  summary(name, settled, o.extra, o.fault ?? null);
  const report = settled.report;
  expect(report).toMatchObject({
    ordersDb: stockTotal,
    stockLeftDb: 0,
    stockLeftRedis: 0,
    oversold: 0,
    undersold: 0,
    duplicates: 0,
    exact: true,
  });
  expect(await queuedWithoutOrder(stack, goodsId, queued)).toEqual([]);
  return report;
}

/** Counts of one sale's orders by status. */
export async function orderStatuses(
  stack: Stack,
  goodsId: number,
): Promise<Record<string, number>> {
  const [rows] = await stack.db.query<any[]>(
    'SELECT status, COUNT(*) AS n FROM orders WHERE goods_id = ? GROUP BY status',
    [goodsId],
  );
  return Object.fromEntries(rows.map((r) => [String(r.status), Number(r.n)]));
}

/**
 * Each payer pays their order of this sale as soon as it is in MySQL (well before its deadline),
 * once. Returns the answers and the payers answered "paid".
 */
export async function payWhenWritten(
  stack: Stack,
  port: number,
  goodsId: number,
  payers: Array<{ id: number; token: string }>,
  timeoutMs = 60_000,
) {
  const tokens = new Map(payers.map((u) => [u.id, u.token]));
  const waiting = new Set(tokens.keys());
  const answers = new Map<string, number>();
  const paid = new Set<number>();
  const until = Date.now() + timeoutMs;
  while (waiting.size > 0 && Date.now() < until) {
    const [rows] = await stack.db.query<any[]>(
      'SELECT id, user_id FROM orders WHERE goods_id = ? AND user_id IN (?)',
      [goodsId, [...waiting]],
    );
    await Promise.all(
      rows.map(async (r) => {
        const userId = Number(r.user_id);
        waiting.delete(userId);
        const a = await stack.request(port, 'POST', `/api/orders/${r.id}/pay`, tokens.get(userId));
        const key = `pay ${a.status} ${a.body?.code ?? a.body?.item?.status}`;
        answers.set(key, (answers.get(key) ?? 0) + 1);
        if (a.status === 200 && a.body?.item?.status === 'paid') paid.add(userId);
      }),
    );
    if (waiting.size > 0) await new Promise((r) => setTimeout(r, 100));
  }
  return { answers, paid, unpaid: waiting };
}

/** Orders the sweeper expired, from the consumers' logs (the rest were expired by their message). */
export function sweptFromLogs(...procs: Proc[]): number {
  let n = 0;
  for (const p of procs) {
    for (const line of p.output().split('\n')) {
      if (!line.includes('sweeper expired overdue orders')) continue;
      try {
        n += Number((JSON.parse(line) as { expired?: number }).expired ?? 0);
      } catch {
        // not a log line of ours
      }
    }
  }
  return n;
}

export interface ExpiryExpectation {
  /** Every shopper of the sale, with the balance each started with (cents). */
  users: Array<{ id: number }>;
  balance: number;
  /** The shoppers who paid (answered "paid"): their orders must end paid, every other expired. */
  paid: Set<number>;
  /**
   * How long past its deadline an order may stay pending (sweep grace + interval + slack). An
   * order whose deadline came while no consumer was up is measured from `recoveredAt` instead.
   */
  lateMs: number;
  /** When the consumer was back (MySQL's clock), if one was down. */
  recoveredAt?: Date;
  /** When the deployment was whole again after the fault (this process's clock, epoch ms). */
  since?: number;
  /** Where the fault fell, for the report. */
  fault?: Record<string, unknown>;
  timeoutMs?: number;
}

/**
 * Once the payment deadlines have passed: nothing stays pending; each order ends paid (before its
 * deadline) or expired (at it or after, and no later than `lateMs` past it); the expired units
 * are back in MySQL and Redis with their buyers' marks lifted; one debit per paid order and none
 * for an expired one; every balance is its start less what its owner paid; the books are exact.
 */
export async function expectExpiredExactly(
  stack: Stack,
  goodsId: number,
  x: ExpiryExpectation,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<ConsistencyReport> {
  const timeoutMs = x.timeoutMs ?? 60_000;
  const until = Date.now() + timeoutMs;
  while ((await orderStatuses(stack, goodsId)).pending_payment && Date.now() < until)
    await new Promise((r) => setTimeout(r, 100));
  const settled = await stack.verdict(goodsId, { since: x.since, timeoutMs });
  const report = settled.report;
  const [rows] = await stack.db.query<any[]>(
    `SELECT id, user_id, status, price, paid_at < expires_at AS in_time,
       TIMESTAMPDIFF(MICROSECOND, expires_at, cancelled_at) / 1000 AS late_ms,
       TIMESTAMPDIFF(MICROSECOND, GREATEST(expires_at, ?), cancelled_at) / 1000 AS late_up_ms
     FROM orders WHERE goods_id = ?`,
    [x.recoveredAt ?? new Date(0), goodsId],
  );
  const paid = rows.filter((r) => r.status === 'paid');
  const expired = rows.filter((r) => r.status === 'expired');
  const lateMs = expired.map((r) => Number(r.late_ms));
  const lateUpMs = expired.map((r) => Number(r.late_up_ms));
  const [ledger] = await stack.db.query<any[]>(
    `SELECT w.order_id, w.kind, COUNT(*) AS n, SUM(w.amount) AS amount
     FROM wallet_entries w JOIN orders o ON o.id = w.order_id
     WHERE o.goods_id = ? GROUP BY w.order_id, w.kind`,
    [goodsId],
  );
  const debits = -ledger.reduce((sum, l) => sum + Number(l.amount), 0);
  const paidPrices = paid.reduce((sum, r) => sum + Number(r.price), 0);
  const marks = await stack.stock.buyerMarks(goodsId);
  const line = {
    orders: rows.length,
    paid: paid.length,
    expired: expired.length,
    pending: report.pending,
    returned: report.returned,
    leftMySQL: report.stockLeftDb,
    leftRedis: report.stockLeftRedis,
    buyersRedis: report.buyersRedis,
    debits,
    paidPrices,
    mismatched: report.money.mismatched,
    paidAndReturned: report.money.paidAndReturned,
    maxLateMs: Math.round(Math.max(0, ...lateMs)),
    maxLateSinceUpMs: Math.round(Math.max(0, ...lateUpMs)),
    duplicates: report.duplicates,
    oversold: report.oversold,
    undersold: report.undersold,
    exact: report.exact,
    verdictMs: settled.waitedMs,
    checks: settled.checks,
    ...extra,
    fault: x.fault ?? null,
  };
  console.log(`[fault] ${name}: ${JSON.stringify(line)}`);

  expect(rows.filter((r) => r.status !== 'paid' && r.status !== 'expired')).toEqual([]);
  expect(new Set(paid.map((r) => Number(r.user_id)))).toEqual(x.paid);
  expect(paid.filter((r) => Number(r.in_time) !== 1)).toEqual([]);
  expect(lateMs.filter((ms) => ms < 0)).toEqual([]);
  expect(lateUpMs.filter((ms) => ms > x.lateMs)).toEqual([]);
  expect(expired.filter((r) => marks.has(Number(r.user_id)))).toEqual([]);
  expect(new Map(paid.map((r) => [Number(r.user_id), String(r.id)]))).toEqual(marks);
  expect(ledger.filter((l) => l.kind !== 'debit' || Number(l.n) !== 1)).toEqual([]);
  expect(new Map(ledger.map((l) => [String(l.order_id), -Number(l.amount)]))).toEqual(
    new Map(paid.map((r) => [String(r.id), Number(r.price)])),
  );
  const paidBy = new Map(paid.map((r) => [Number(r.user_id), Number(r.price)]));
  const [balances] = await stack.db.query<any[]>(
    `SELECT u.id, u.balance,
       (SELECT COALESCE(SUM(amount), 0) FROM wallet_entries w WHERE w.user_id = u.id) AS ledger
     FROM users u WHERE u.id IN (?)`,
    [x.users.map((u) => u.id)],
  );
  expect(balances).toHaveLength(x.users.length);
  expect(
    balances.filter((b) => {
      const want = x.balance - (paidBy.get(Number(b.id)) ?? 0);
      return Number(b.balance) !== want || Number(b.ledger) !== want;
    }),
  ).toEqual([]);
  expect(report).toMatchObject({
    stockTotal: rows.length,
    stockLeftDb: expired.length,
    stockLeftRedis: expired.length,
    ordersDb: paid.length,
    pending: 0,
    paid: paid.length,
    returned: expired.length,
    buyersRedis: paid.length,
    markedWithoutOrder: 0,
    ordersWithoutMark: 0,
    duplicates: 0,
    oversold: 0,
    undersold: 0,
    queue: { ready: 0, deadLetters: 0 },
    money: { debits, refunds: 0, paidPrices, mismatched: 0, paidAndReturned: 0 },
    exact: true,
  });
  return report;
}
