import { fromList, runLoad, type Shot } from '../load.ts';
import { withProgress } from '../progress.ts';
import { Recorder, round } from '../stats.ts';
import { commitTimes, issuePaths, sleep, type Bench } from './context.ts';

export interface DrainResult {
  batchSize: number;
  /** Orders queued while the consumer was stopped. */
  queued: number;
  written: number;
  /** From the first commit to the last (MySQL's clock). */
  commitSpanMs: number;
  /** Orders written per second after the first commit: (written − those of the first commit) / span. */
  ordersPerSecond: number;
  /** From the consumer taking messages to every order in MySQL, as the bench saw it. */
  wallMs: number;
}

/**
 * Phase 5: queue `count` real orders (paths and order requests through the API) while the
 * consumer is stopped, then start it with `batchSize` orders per transaction and time the drain.
 */
export async function measureDrain(
  b: Bench,
  count: number,
  batchSize: number,
): Promise<DrainResult> {
  await b.stack.stopConsumer();
  const users = await b.users.create(count);
  const goodsId = await b.api.createSale(b.adminToken, `bench drain ${batchSize}`, count);
  b.sales.push(goodsId);
  const label = batchSize === 1 ? 'one tx per order' : `batches of ${batchSize}`;
  const paths = await issuePaths(
    b,
    `drain (${label}): paths`,
    users.map((user) => ({ user, goodsId })),
  );
  const shots: Shot[] = users.flatMap((u, i) => {
    const path = paths[i];
    return path
      ? [
          {
            kind: 'order',
            method: 'POST',
            path: `/api/seckill/${goodsId}/${path}/order`,
            token: u.token,
          } as Shot,
        ]
      : [];
  });
  const recorder = new Recorder();
  await runLoad({
    title: `drain (${label}): queueing`,
    url: b.stack.target.url,
    connections: b.opts.connections,
    maxSeconds: 600,
    loadtestKey: b.stack.target.loadtestKey,
    connection: fromList(shots),
    recorder,
    progress: { total: shots.length, done: () => recorder.count('order'), unit: 'orders' },
  });
  const queued = recorder.stats('order').answers['202 queued'] ?? 0;

  await b.stack.startConsumer(batchSize);
  const t0 = Date.now();
  const written = await withProgress(`drain (${label}): writing`, queued, async (tick) => {
    const until = Date.now() + 300_000;
    for (;;) {
      const { orders } = await commitTimes(b, goodsId);
      tick(orders);
      if (orders >= queued || Date.now() > until) return orders;
      await sleep(50);
    }
  });
  const wallMs = Date.now() - t0;
  const c = await commitTimes(b, goodsId);
  const span = c.first !== null && c.last !== null ? c.last - c.first : 0;
  return {
    batchSize,
    queued,
    written,
    commitSpanMs: Math.round(span),
    ordersPerSecond: span > 0 ? round(((c.orders - c.atFirst) * 1000) / span, 1) : 0,
    wallMs,
  };
}
