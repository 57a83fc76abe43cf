import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSoldExactly, runCrowd, startStack, type Proc, type Stack } from './stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  await stack.startConsumer();
});
afterAll(() => stack?.stop());

describe('scenario 3: an API instance is killed mid-burst', () => {
  it('gives every shopper answered "queued" an order, and loses no unit', async () => {
    const STOCK = 1000;
    const goodsId = await stack.createSale(STOCK);
    const users = await stack.createUsers(4000);
    let api: Proc = await stack.startApi();
    let live = [api.port];
    let killed = false;
    const crowd = await runCrowd(stack, goodsId, users, () => live, {
      onProgress: (done) => {
        if (!killed && done >= 400) {
          killed = true;
          const dying = api;
          live = [];
          void dying.kill('SIGKILL').then(async () => {
            api = await stack.startApi();
            live = [api.port];
          });
        }
      },
    });
    await expectSoldExactly(stack, goodsId, STOCK, crowd.queued, 'API SIGKILL mid-burst', {
      answers: Object.fromEntries(crowd.answers),
    });
    expect(killed).toBe(true);
  });
});
