import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureService, stopService } from './services.ts';
import {
  expectExpiredExactly,
  orderStatuses,
  payWhenWritten,
  runCrowd,
  startStack,
  sweptFromLogs,
  type Proc,
  type Stack,
} from './stack.ts';

// CI size by default; `pnpm test:faults` runs 3,000 orders.
const FULL = process.env.FAULTS_FULL === '1';
const ORDERS = FULL ? 3000 : 600;
const BALANCE = 1_000_000;
/** Long enough for the deadlines to fall around the broker's restart. */
const TIMEOUT_MS = 15_000;
const SWEEP_MS = 500;
const GRACE_MS = 1000;
/** Room for a loaded machine on top of the sweeper's grace and interval. */
const SLACK_MS = 3000;

let stack: Stack;
let port = 0;
let consumer: Proc;
beforeAll(async () => {
  await ensureService('rabbitmq');
  stack = await startStack({
    PAYMENT_TIMEOUT_MS: String(TIMEOUT_MS),
    EXPIRY_SWEEP_INTERVAL_MS: String(SWEEP_MS),
    EXPIRY_SWEEP_GRACE_MS: String(GRACE_MS),
  });
  port = (await stack.startApi()).port;
  consumer = await stack.startConsumer();
});
afterAll(async () => {
  await ensureService('rabbitmq');
  await stack?.stop();
});

const dbNow = async (): Promise<Date> =>
  (await stack.db.query<any[]>('SELECT NOW(3) AS now'))[0][0].now;

describe('scenario 4b: RabbitMQ restarts while payment deadlines wait in the delay queue', () => {
  it('expires every unpaid order by its deadline plus grace, by message or by the sweeper', async () => {
    const goodsId = await stack.createSale(ORDERS);
    const users = await stack.createUsers(ORDERS, BALANCE);
    // One shopper in five pays, as soon as the order is in MySQL, while the others still buy.
    const payers = users.filter((_, i) => i % 5 === 0);
    const paying = payWhenWritten(stack, port, goodsId, payers, 120_000);
    const crowd = await runCrowd(stack, goodsId, users, () => [port], { retries: 0 });
    expect(crowd.queued.size).toBe(ORDERS);
    const pays = await paying;
    expect(pays.paid.size).toBe(payers.length);
    const written = Date.now() + 30_000;
    while (Object.values(await orderStatuses(stack, goodsId)).reduce((a, b) => a + b, 0) < ORDERS)
      if (Date.now() > written) throw new Error('orders not written');
      else await new Promise((r) => setTimeout(r, 50));

    // Deadlines ahead, their messages waiting in the delay queue.
    const before = await stack.publisher.depth();
    const atStop = await orderStatuses(stack, goodsId);
    expect(atStop.pending_payment ?? 0).toBeGreaterThan(0);
    expect(before.expiryScheduled ?? 0).toBeGreaterThan(0);
    const stoppedAt = await dbNow();
    await stopService('rabbitmq');
    const downAt = Date.now();
    await ensureService('rabbitmq');
    const since = Date.now();
    const upAt = await dbNow();
    const [[span]] = await stack.db.query<any[]>(
      `SELECT SUM(expires_at >= ? AND expires_at < ?) AS due_down, SUM(expires_at >= ?) AS due_up,
         SUM(status = 'expired') AS expired FROM orders
       WHERE goods_id = ? AND status <> 'paid'`,
      [stoppedAt, upAt, upAt, goodsId],
    );
    // Back up: the scheduled deadlines survived the restart (quorum queues, persistent messages).
    let after: Awaited<ReturnType<Stack['publisher']['depth']>> | null = null;
    for (let until = Date.now() + 30_000; !after && Date.now() < until;) {
      after = await stack.publisher.depth().catch(() => null);
      if (!after) await new Promise((r) => setTimeout(r, 200));
    }

    await expectExpiredExactly(
      stack,
      goodsId,
      {
        users,
        balance: BALANCE,
        paid: pays.paid,
        lateMs: GRACE_MS + SWEEP_MS + SLACK_MS,
        since,
        fault: {
          fault: 'RabbitMQ stop and start with deadlines scheduled',
          pendingAtStop: atStop.pending_payment ?? 0,
          expiredBeforeStop: atStop.expired ?? 0,
          outageMs: upAt.getTime() - stoppedAt.getTime(),
          downMs: since - downAt,
          scheduledBeforeStop: before.expiryScheduled,
          scheduledAfterRestart: after?.expiryScheduled,
          dueWhileDown: Number(span.due_down),
          dueAfterRestart: Number(span.due_up),
          expiredWhileDown: Number(span.expired) - (atStop.expired ?? 0),
        },
      },
      'RabbitMQ restarted with deadlines in the delay queue',
      {
        swept: sweptFromLogs(consumer),
        pays: Object.fromEntries(pays.answers),
      },
    );
    // Every deadline message came out of the delay queue and was handled: none is stuck.
    let depth = await stack.publisher.depth();
    for (let until = Date.now() + 30_000; Date.now() < until;) {
      if (!depth.expiryScheduled && !depth.expiryDue) break;
      await new Promise((r) => setTimeout(r, 200));
      depth = await stack.publisher.depth();
    }
    expect([depth.expiryScheduled, depth.expiryDue]).toEqual([0, 0]);
  });
});
