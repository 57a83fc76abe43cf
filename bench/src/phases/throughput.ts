import type { BenchUser } from '../fixtures.ts';
import { fromList, cycling, runLoad, type Shot } from '../load.ts';
import { Recorder, type EndpointStats } from '../stats.ts';
import { issuePaths, waitForQueueEmpty, type Bench } from './context.ts';

/** Sales one shopper orders from in the order phase: within the per-user limits (10 per 10 s). */
const SALES_PER_SHOPPER = 4;

const orderShot = (kind: string, goodsId: number, path: string, token: string): Shot => ({
  kind,
  method: 'POST',
  path: `/api/seckill/${goodsId}/${path}/order`,
  token,
});

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
): Promise<EndpointStats> {
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
  o.windowEnd?.();
  const stats = { ...recorder.stats('order'), cpuUs: run.cpuUs };
  await waitForQueueEmpty(b, `${label}: consumer catching up`);
  return stats;
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
