import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSoldExactly, runCrowd, startStack, type Stack } from './stack.ts';

let stack: Stack;
let ports: number[] = [];
beforeAll(async () => {
  stack = await startStack();
  ports = [(await stack.startApi()).port, (await stack.startApi()).port];
  await stack.startConsumer();
});
afterAll(() => stack?.stop());

describe('scenario 7: two API instances behind a load balancer', () => {
  it('sells exactly, one each, with requests spread over both', async () => {
    const STOCK = 500;
    const goodsId = await stack.createSale(STOCK);
    const users = await stack.createUsers(2500);
    const crowd = await runCrowd(stack, goodsId, users, () => ports, { retries: 0 });
    await expectSoldExactly(stack, goodsId, STOCK, crowd.queued, 'two instances', {
      answers: Object.fromEntries(crowd.answers),
    });
    expect(crowd.queued.size).toBe(STOCK);
    // After the sell-out, both instances answer SOLD_OUT (each from its own flag once it has seen it).
    for (const port of ports) {
      const [u] = await stack.createUsers(1);
      const p = await stack.request(port, 'POST', `/api/seckill/${goodsId}/path`, u?.token, true);
      expect(p.body.code).toBe('SOLD_OUT');
    }
  });
});
