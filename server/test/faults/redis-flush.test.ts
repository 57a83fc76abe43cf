import { deleteKeysWithPrefix } from '@seckill/stock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSoldExactly, runCrowd, startStack, type Stack } from './stack.ts';

let stack: Stack;
let port = 0;
beforeAll(async () => {
  stack = await startStack();
  port = (await stack.startApi()).port;
  await stack.startConsumer();
});
afterAll(() => stack?.stop());

describe('scenario 6: Redis is flushed mid-sale', () => {
  it('refuses orders until the counter is rebuilt from MySQL, then sells the rest exactly', async () => {
    const STOCK = 400;
    const goodsId = await stack.createSale(STOCK);
    const users = await stack.createUsers(1200);
    let flushed = false;
    const crowd = runCrowd(stack, goodsId, users, () => [port], {
      concurrency: 100,
      onProgress: (done) => {
        if (!flushed && done >= 150) {
          flushed = true;
          // What FLUSHALL does to this deployment, without touching other runs sharing Redis.
          void deleteKeysWithPrefix(stack.redis, stack.env.SECKILL_PREFIX ?? '');
        }
      },
    });
    const result = await crowd;
    await expectSoldExactly(stack, goodsId, STOCK, result.queued, 'Redis flushed mid-sale', {
      answers: Object.fromEntries(result.answers),
    });
    expect(flushed).toBe(true);
    expect([...result.answers.keys()].some((k) => k.includes('503 RETRY'))).toBe(true);
  });
});
