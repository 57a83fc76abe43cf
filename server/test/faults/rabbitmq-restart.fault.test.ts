import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureService, stopService } from './services.ts';
import { expectSoldExactly, runCrowd, startStack, type Stack } from './stack.ts';

let stack: Stack;
let port = 0;
beforeAll(async () => {
  await ensureService('rabbitmq');
  stack = await startStack();
  port = (await stack.startApi()).port;
  await stack.startConsumer();
});
afterAll(async () => {
  await ensureService('rabbitmq');
  await stack?.stop();
});

describe('scenario 4: RabbitMQ restarts mid-burst', () => {
  it('loses no confirmed order; unconfirmed ones were answered RETRY and undone', async () => {
    const STOCK = 800;
    const goodsId = await stack.createSale(STOCK);
    const users = await stack.createUsers(3000);
    let restart: Promise<void> | null = null;
    const crowd = await runCrowd(stack, goodsId, users, () => [port], {
      concurrency: 100,
      onProgress: (done) => {
        if (!restart && done >= 300)
          restart = stopService('rabbitmq').finally(() => ensureService('rabbitmq'));
      },
    });
    await restart;
    await expectSoldExactly(
      stack,
      goodsId,
      STOCK,
      crowd.queued,
      'RabbitMQ restarted mid-burst',
      { answers: Object.fromEntries(crowd.answers) },
      120_000,
    );
    expect(restart).not.toBeNull();
    expect([...crowd.answers.keys()].some((k) => k.includes('503'))).toBe(true);
  });
});
