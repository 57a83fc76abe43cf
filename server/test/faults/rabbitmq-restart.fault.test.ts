import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureService, stopService } from './services.ts';
import {
  expectMidBurst,
  expectSoldExactly,
  runCrowd,
  startStack,
  waitFor,
  type Answer,
  type Stack,
} from './stack.ts';

// CI size by default; `pnpm test:faults` (FAULTS_FULL=1) runs 3,000 shoppers for 800 units.
const FULL = process.env.FAULTS_FULL === '1';
const USERS = FULL ? 3000 : 1500;
const STOCK = FULL ? 800 : 400;
const CONCURRENCY = 100;
/** Orders answered while the broker is down before it is started again. */
const OUTAGE_ORDERS = 20;

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
    const goodsId = await stack.createSale(STOCK);
    const users = await stack.createUsers(USERS);
    let downAt = 0;
    let restartAt = 0;
    // Orders sent once the broker was known down and answered before it was started again.
    const outage: Answer[] = [];
    const crowd = await runCrowd(stack, goodsId, users, () => [port], {
      concurrency: CONCURRENCY,
      onAnswer: (a) => {
        if (a.kind === 'order' && downAt && !restartAt && a.startedAt >= downAt) outage.push(a);
      },
      fault: {
        name: 'RabbitMQ stop and start',
        afterAnswered: STOCK / 4,
        // No new shopper starts until the broker is down: the rest of the burst meets the outage.
        hold: true,
        inject: async () => {
          await stopService('rabbitmq');
          downAt = Date.now();
        },
        // The broker stays down until shoppers have been answered in the outage, then comes back.
        recover: async () => {
          await waitFor(
            'orders answered while RabbitMQ is down',
            () => outage.length >= OUTAGE_ORDERS,
            30_000,
          );
          restartAt = Date.now();
          await ensureService('rabbitmq');
        },
      },
    });
    const fault = expectMidBurst(crowd.fault, STOCK);
    expect(STOCK / 4 + CONCURRENCY).toBeLessThan(STOCK);
    // While the broker was down, no order was answered "queued": every one was told to retry.
    expect(outage.length).toBeGreaterThanOrEqual(OUTAGE_ORDERS);
    expect(outage.filter((a) => a.status !== 503 || a.code !== 'RETRY')).toEqual([]);
    await expectSoldExactly(stack, goodsId, STOCK, crowd.queued, 'RabbitMQ restarted mid-burst', {
      since: fault.recoveredAt,
      timeoutMs: 120_000,
      extra: { users: USERS, answers: Object.fromEntries(crowd.answers) },
      fault: {
        ...fault,
        // From the port closing until the broker answered again, and the start's share of it.
        downMs: fault.recoveredAt - downAt,
        startMs: fault.recoveredAt - restartAt,
        retryWhileDown: outage.length,
      },
    });
  });
});
