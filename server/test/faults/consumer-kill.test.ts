import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSoldExactly, runCrowd, startStack, type Stack } from './stack.ts';

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
    const STOCK = 1000;
    const goodsId = await stack.createSale(STOCK);
    const users = await stack.createUsers(1500);
    // Orders pile up in the queue first, so the kill lands in the middle of a drain.
    const crowd = await runCrowd(stack, goodsId, users, () => [port], { retries: 0 });
    expect(crowd.queued.size).toBe(STOCK);
    const consumer = await stack.startConsumer({
      CONSUMER_BATCH_SIZE: '50',
      CONSUMER_PREFETCH: '100',
    });
    const count = () => ordersOf(goodsId);
    const until = Date.now() + 30_000;
    while ((await count()) < STOCK / 2 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 5));
    await consumer.kill('SIGKILL');
    const atKill = await count();
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(STOCK);
    const restarted = await stack.startConsumer();
    const report = await expectSoldExactly(
      stack,
      goodsId,
      STOCK,
      crowd.queued,
      'consumer SIGKILL',
      { ordersAtKill: atKill },
    );
    expect(report.queue.deadLetters).toBe(0);
    await restarted.kill('SIGTERM');
  });

  it('finishes its work in flight, acks and exits cleanly on SIGTERM', async () => {
    const STOCK = 1500;
    const goodsId = await stack.createSale(STOCK);
    const users = await stack.createUsers(1800);
    const crowd = await runCrowd(stack, goodsId, users, () => [port], { retries: 0 });
    // Small batches: the drain takes long enough for the signal to land in its middle.
    const consumer = await stack.startConsumer({
      CONSUMER_BATCH_SIZE: '5',
      CONSUMER_PREFETCH: '10',
    });
    const until = Date.now() + 30_000;
    while ((await ordersOf(goodsId)) < STOCK / 5 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const exit = new Promise<number | null>((r) => consumer.child.once('exit', (code) => r(code)));
    consumer.child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(consumer.output()).toMatch(/stopped cleanly/);
    const atStop = await ordersOf(goodsId);
    expect(atStop).toBeLessThan(STOCK);
    // What it took, it wrote and acked: the rest waits in the queue for the next consumer.
    expect((await stack.publisher.depth()).ready).toBe(STOCK - atStop);
    await stack.startConsumer();
    await expectSoldExactly(stack, goodsId, STOCK, crowd.queued, 'consumer SIGTERM', {
      ordersAtStop: atStop,
    });
  });
});
