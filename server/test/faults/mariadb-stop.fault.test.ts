import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureService, stopService } from './services.ts';
import { expectSoldExactly, runCrowd, startStack, type Stack } from './stack.ts';

let stack: Stack;
let port = 0;
beforeAll(async () => {
  await ensureService('mariadb');
  stack = await startStack();
  port = (await stack.startApi()).port;
});
afterAll(async () => {
  await ensureService('mariadb');
  await stack?.stop();
});

describe('scenario 5: MariaDB stops for 15 seconds while the consumer drains', () => {
  it('waits and retries: nothing dead-letters, nothing is lost', async () => {
    const STOCK = 1000;
    const goodsId = await stack.createSale(STOCK);
    const users = await stack.createUsers(1500);
    const crowd = await runCrowd(stack, goodsId, users, () => [port], { retries: 0 });
    expect(crowd.queued.size).toBe(STOCK);
    const consumer = await stack.startConsumer({
      CONSUMER_BATCH_SIZE: '20',
      CONSUMER_PREFETCH: '40',
    });
    try {
      await stopService('mariadb');
      await new Promise((r) => setTimeout(r, 15_000));
    } finally {
      await ensureService('mariadb');
    }
    const report = await expectSoldExactly(
      stack,
      goodsId,
      STOCK,
      crowd.queued,
      'MariaDB stopped 15 s',
      {},
      120_000,
    );
    expect(report.queue.deadLetters).toBe(0);
    expect(consumer.output()).toMatch(/retrying/);
  });
});
