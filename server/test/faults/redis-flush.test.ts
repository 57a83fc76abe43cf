import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuedWithoutOrder, runCrowd, startStack, summary, type Stack } from './stack.ts';

let stack: Stack;
let port = 0;
beforeAll(async () => {
  stack = await startStack();
  port = (await stack.startApi()).port;
  await stack.startConsumer();
});
afterAll(() => stack?.stop());

/** What FLUSHALL does to this deployment, without touching the other test runs sharing Redis. */
async function flushDeployment(stack: Stack) {
  let cursor = '0';
  do {
    const [next, keys] = await stack.redis.scan(
      cursor,
      'MATCH',
      `${stack.env.SECKILL_PREFIX}*`,
      'COUNT',
      1000,
    );
    cursor = next;
    if (keys.length) await stack.redis.del(...keys);
  } while (cursor !== '0');
}

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
          void flushDeployment(stack);
        }
      },
    });
    const result = await crowd;
    const report = await stack.verdict(goodsId);
    summary('Redis flushed mid-sale', report, { answers: Object.fromEntries(result.answers) });
    expect(flushed).toBe(true);
    expect([...result.answers.keys()].some((k) => k.includes('503 RETRY'))).toBe(true);
    expect(report).toMatchObject({
      ordersDb: STOCK,
      stockLeftDb: 0,
      stockLeftRedis: 0,
      oversold: 0,
      undersold: 0,
      duplicates: 0,
    });
    expect(await queuedWithoutOrder(stack, goodsId, result.queued)).toEqual([]);
  });
});
