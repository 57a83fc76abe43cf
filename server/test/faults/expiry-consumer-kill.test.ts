import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectExpiredExactly,
  orderStatuses,
  payWhenWritten,
  runCrowd,
  sleep,
  startStack,
  sweptFromLogs,
  type Stack,
} from './stack.ts';

// CI size by default; `pnpm test:faults` runs 3,000 orders.
const FULL = process.env.FAULTS_FULL === '1';
const ORDERS = FULL ? 3000 : 600;
const BALANCE = 1_000_000;
const TIMEOUT_MS = FULL ? 10_000 : 6000;
const SWEEP_MS = 500;
const GRACE_MS = 1000;
/** Room for a loaded machine on top of the sweeper's grace and interval. */
const SLACK_MS = 3000;

let stack: Stack;
let port = 0;
beforeAll(async () => {
  stack = await startStack({
    PAYMENT_TIMEOUT_MS: String(TIMEOUT_MS),
    EXPIRY_SWEEP_INTERVAL_MS: String(SWEEP_MS),
    EXPIRY_SWEEP_GRACE_MS: String(GRACE_MS),
  });
  port = (await stack.startApi()).port;
});
afterAll(() => stack?.stop());

describe('scenario 2b: the consumer is killed while it expires unpaid orders', () => {
  it('expires every unpaid order after a SIGKILL mid-expiry and a restart; the books stay exact', async () => {
    const goodsId = await stack.createSale(ORDERS);
    const users = await stack.createUsers(ORDERS, BALANCE);
    // The orders wait in the queue, then one consumer writes them in small batches: many
    // deadline messages, the deadlines a few seconds from now and spread over the writes. One
    // deadline message per batch (no gathering): gathered, the whole sale's deadlines can fall
    // due in one message, and the kill would find nothing left to expire.
    const crowd = await runCrowd(stack, goodsId, users, () => [port], { retries: 0 });
    expect(crowd.queued.size).toBe(ORDERS);
    const first = await stack.startConsumer({
      CONSUMER_BATCH_SIZE: '10',
      CONSUMER_PREFETCH: '50',
      CONSUMER_DEADLINE_GATHER_MS: '0',
    });
    // One shopper in five pays, as soon as the order is in MySQL.
    const payers = users.filter((_, i) => i % 5 === 0);
    const pays = await payWhenWritten(stack, port, goodsId, payers);
    expect(pays.paid.size).toBe(payers.length);
    const unpaid = ORDERS - payers.length;

    // Kill once the consumer has expired some of the due orders, not all.
    const expired = async () => (await orderStatuses(stack, goodsId)).expired ?? 0;
    const until = Date.now() + TIMEOUT_MS + 30_000;
    while ((await expired()) < unpaid / 4 && Date.now() < until) await sleep(5);
    await first.kill('SIGKILL');
    const killedAt = Date.now();
    const atKill = await orderStatuses(stack, goodsId);
    expect(atKill.expired ?? 0).toBeGreaterThan(0);
    expect(atKill.pending_payment ?? 0).toBeGreaterThan(0);
    const [[due]] = await stack.db.query<any[]>(
      `SELECT COUNT(*) AS n FROM orders
       WHERE goods_id = ? AND status = 'pending_payment' AND expires_at <= NOW(3)`,
      [goodsId],
    );
    // Expired in MySQL, the unit not yet back in Redis: the kill fell between the two steps.
    const marks = await stack.stock.buyerMarks(goodsId);
    const [expiredRows] = await stack.db.query<any[]>(
      `SELECT id, user_id FROM orders WHERE goods_id = ? AND status = 'expired'`,
      [goodsId],
    );
    const redisStepLeft = expiredRows.filter(
      (r) => marks.get(Number(r.user_id)) === String(r.id),
    ).length;

    const second = await stack.startConsumer();
    const since = Date.now();
    const [[{ now: recoveredAt }]] = await stack.db.query<any[]>('SELECT NOW(3) AS now');
    await expectExpiredExactly(
      stack,
      goodsId,
      {
        users,
        balance: BALANCE,
        paid: pays.paid,
        lateMs: GRACE_MS + SWEEP_MS + SLACK_MS,
        recoveredAt,
        since,
        fault: {
          fault: 'consumer SIGKILL mid-expiry',
          expiredAtKill: atKill.expired ?? 0,
          pendingAtKill: atKill.pending_payment ?? 0,
          overdueAtKill: Number(due.n),
          redisStepLeftAtKill: redisStepLeft,
          restartMs: since - killedAt,
        },
      },
      'consumer SIGKILL mid-expiry',
      {
        swept: sweptFromLogs(first, second),
        pays: Object.fromEntries(pays.answers),
      },
    );
    await second.kill('SIGTERM');
  }, 180_000);
});
