import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSoldExactly, runCrowd, startStack, type Stack } from './stack.ts';

// CI size by default; `pnpm test:faults` runs the size: 10,000 shoppers, 1,000 units, five times.
const FULL = process.env.FAULTS_FULL === '1';
const USERS = FULL ? 10_000 : 3000;
const STOCK = FULL ? 1000 : 300;
const ROUNDS = FULL ? 5 : 2;

let stack: Stack;
let port = 0;
beforeAll(async () => {
  stack = await startStack();
  port = (await stack.startApi()).port;
  await stack.startConsumer();
});
afterAll(() => stack?.stop());

describe('scenario 1: a burst of distinct shoppers', () => {
  it(`sells exactly ${STOCK} of ${USERS} shoppers, ${ROUNDS} times in a row`, async () => {
    for (let round = 1; round <= ROUNDS; round += 1) {
      const goodsId = await stack.createSale(STOCK);
      const users = await stack.createUsers(USERS);
      const crowd = await runCrowd(stack, goodsId, users, () => [port], {
        concurrency: 200,
        retries: 0,
      });
      expect(crowd.queued.size).toBe(STOCK);
      // No fault: nothing for the reconciler to repair, the verdict only waits for exact books.
      await expectSoldExactly(stack, goodsId, STOCK, crowd.queued, `burst ${round}/${ROUNDS}`, {
        extra: { users: USERS, ms: crowd.elapsedMs, answers: Object.fromEntries(crowd.answers) },
      });
    }
  });
});
