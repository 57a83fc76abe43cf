import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectMidBurst,
  expectSoldExactly,
  runCrowd,
  startStack,
  type Proc,
  type Stack,
} from './stack.ts';

// CI size by default; `pnpm test:faults` (FAULTS_FULL=1) runs 4,000 shoppers for 1,000 units.
const FULL = process.env.FAULTS_FULL === '1';
const USERS = FULL ? 4000 : 2000;
const STOCK = FULL ? 1000 : 500;
const CONCURRENCY = 200;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  await stack.startConsumer();
});
afterAll(() => stack?.stop());

describe('scenario 3: an API instance is killed mid-burst', () => {
  it('gives every shopper answered "queued" an order, and loses no unit', async () => {
    const goodsId = await stack.createSale(STOCK);
    const users = await stack.createUsers(USERS);
    let api: Proc = await stack.startApi();
    let live = [api.port];
    const crowd = await runCrowd(stack, goodsId, users, () => live, {
      concurrency: CONCURRENCY,
      fault: {
        name: 'API SIGKILL',
        // Early enough that the sale cannot sell out before the kill: at most this many answered
        // plus every shopper in flight can have been queued.
        afterAnswered: STOCK / 5,
        // The signal goes out while the other shoppers' requests are in flight; the load balancer
        // has no instance until a new one is listening.
        inject: async () => {
          const dying = api;
          live = [];
          await dying.kill('SIGKILL');
        },
        recover: async () => {
          api = await stack.startApi();
          live = [api.port];
        },
      },
    });
    const fault = expectMidBurst(crowd.fault, STOCK);
    expect(STOCK / 5 + CONCURRENCY).toBeLessThan(STOCK);
    const noAnswer = [...crowd.answers]
      .filter(([k]) => / 0 /.test(k))
      .reduce((a, [, n]) => a + n, 0);
    // Reservations the dead instance made but never published are the reconciler's to hand to
    // the queue: the verdict waits its grace and two intervals after the new instance is up.
    await expectSoldExactly(stack, goodsId, STOCK, crowd.queued, 'API SIGKILL mid-burst', {
      since: fault.recoveredAt,
      extra: { users: USERS, answers: Object.fromEntries(crowd.answers) },
      fault: { ...fault, noAnswer },
    });
  });
});
