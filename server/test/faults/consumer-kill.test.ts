import { queueNames } from '@seckill/queue';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSoldExactly, runCrowd, startStack, waitFor, type Stack } from './stack.ts';

// CI size by default; `pnpm test:faults` (FAULTS_FULL=1) runs 1,000 and 1,500 units.
const FULL = process.env.FAULTS_FULL === '1';
const KILL_STOCK = FULL ? 1000 : 800;
const TERM_STOCK = FULL ? 1500 : 1000;

/** The orders in the messages waiting in the order queue; they stay there (never acked). */
async function ordersWaiting(): Promise<number> {
  const conn = await amqp.connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  try {
    const ch = await conn.createChannel();
    let n = 0;
    for (;;) {
      const m = await ch.get(queueNames(stack.env.SECKILL_PREFIX ?? '').orders, { noAck: false });
      if (!m) break;
      const body = JSON.parse(m.content.toString()) as { v: number; orders?: unknown[] };
      n += body.v === 2 ? (body.orders?.length ?? 0) : 1;
    }
    return n;
  } finally {
    await conn.close();
  }
}

let stack: Stack;
let port = 0;
beforeAll(async () => {
  stack = await startStack();
  port = (await stack.startApi()).port;
});
afterAll(() => stack?.stop());

const ordersOf = async (goodsId: number) =>
  Number(
    (
      await stack.db.query<any[]>('SELECT COUNT(*) AS n FROM orders WHERE goods_id = ?', [goodsId])
    )[0][0].n,
  );

describe('scenario 2: the consumer is killed halfway through draining', () => {
  it('loses nothing and writes nothing twice after a SIGKILL and a restart', async () => {
    const STOCK = KILL_STOCK;
    const goodsId = await stack.createSale(STOCK);
    const users = await stack.createUsers(Math.round(STOCK * 1.5));
    // Orders pile up in the queue first, so the kill lands in the middle of a drain.
    const crowd = await runCrowd(stack, goodsId, users, () => [port], { retries: 0 });
    expect(crowd.queued.size).toBe(STOCK);
    // Small batches: the second half of the drain (80+ transactions, a second or more here)
    // takes far longer than one poll of the count, so the kill finds orders still to write.
    const consumer = await stack.startConsumer({
      CONSUMER_BATCH_SIZE: '5',
      CONSUMER_PREFETCH: '10',
    });
    const drainStarted = Date.now();
    await waitFor(
      'half the orders written',
      async () => (await ordersOf(goodsId)) >= STOCK / 2,
      60_000,
      5,
    );
    await consumer.kill('SIGKILL');
    const killMs = Date.now() - drainStarted;
    // The fault landed mid-drain: some orders written, some still to write.
    const atKill = await ordersOf(goodsId);
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(STOCK);
    const restarted = await stack.startConsumer();
    const recoveredAt = Date.now();
    const report = await expectSoldExactly(
      stack,
      goodsId,
      STOCK,
      crowd.queued,
      'consumer SIGKILL',
      {
        since: recoveredAt,
        fault: {
          fault: 'consumer SIGKILL mid-drain',
          ordersAtKill: atKill,
          leftAtKill: STOCK - atKill,
          killMs,
          restartMs: recoveredAt - drainStarted - killMs,
        },
      },
    );
    expect(report.queue.deadLetters).toBe(0);
    await restarted.kill('SIGTERM');
  });

  it('finishes its work in flight, acks and exits cleanly on SIGTERM', async () => {
    const STOCK = TERM_STOCK;
    const goodsId = await stack.createSale(STOCK);
    const users = await stack.createUsers(Math.round(STOCK * 1.2));
    const crowd = await runCrowd(stack, goodsId, users, () => [port], { retries: 0 });
    expect(crowd.queued.size).toBe(STOCK);
    // Small batches: the drain takes long enough for the signal to land in its middle.
    const consumer = await stack.startConsumer({
      CONSUMER_BATCH_SIZE: '5',
      CONSUMER_PREFETCH: '10',
    });
    const drainStarted = Date.now();
    await waitFor(
      'a fifth of the orders written',
      async () => (await ordersOf(goodsId)) >= STOCK / 5,
      60_000,
      5,
    );
    const atSignal = await ordersOf(goodsId);
    const exit = new Promise<number | null>((r) => consumer.proc.once('exit', (code) => r(code)));
    consumer.proc.kill('SIGTERM');
    const signalMs = Date.now() - drainStarted;
    expect(await exit).toBe(0);
    expect(consumer.output()).toMatch(/stopped cleanly/);
    const atStop = await ordersOf(goodsId);
    expect(atStop).toBeLessThan(STOCK);
    // What it took, it wrote and acked: the rest waits in the queue for the next consumer.
    // Messages carry groups of orders: count the orders in them (looked at, not taken).
    expect(await ordersWaiting()).toBe(STOCK - atStop);
    await stack.startConsumer();
    const recoveredAt = Date.now();
    await expectSoldExactly(stack, goodsId, STOCK, crowd.queued, 'consumer SIGTERM', {
      since: recoveredAt,
      fault: {
        fault: 'consumer SIGTERM mid-drain',
        ordersAtSignal: atSignal,
        ordersAtStop: atStop,
        leftAtStop: STOCK - atStop,
        signalMs,
      },
    });
  });
});
