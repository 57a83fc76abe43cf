import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureService, stopService } from './services.ts';
import { expectSoldExactly, runCrowd, sleep, startStack, waitFor, type Stack } from './stack.ts';

// CI size by default; `pnpm test:faults` (FAULTS_FULL=1) runs 1,500 shoppers for 1,000 units and
// a 15-second outage.
const FULL = process.env.FAULTS_FULL === '1';
const USERS = FULL ? 1500 : 900;
const STOCK = FULL ? 1000 : 600;
const OUTAGE_MS = FULL ? 15_000 : 8000;

let stack: Stack;
let port = 0;
beforeAll(async () => {
  await ensureService('mariadb');
  stack = await startStack();
  port = (await stack.startApi()).port;
});
afterAll(async () => {
  await ensureService('mariadb');
  await stack?.stop();
});

const ordersOf = async (goodsId: number) =>
  Number(
    (
      await stack.db.query<any[]>('SELECT COUNT(*) AS n FROM orders WHERE goods_id = ?', [goodsId])
    )[0][0].n,
  );

describe(`scenario 5: MariaDB stops for ${OUTAGE_MS / 1000} seconds while the consumer drains`, () => {
  it('waits and retries: nothing dead-letters, nothing is lost', async () => {
    const goodsId = await stack.createSale(STOCK);
    const users = await stack.createUsers(USERS);
    const crowd = await runCrowd(stack, goodsId, users, () => [port], { retries: 0 });
    expect(crowd.queued.size).toBe(STOCK);
    const consumer = await stack.startConsumer({
      CONSUMER_BATCH_SIZE: '10',
      CONSUMER_PREFETCH: '20',
    });
    const drainStarted = Date.now();
    await waitFor(
      'a fifth of the orders written',
      async () => (await ordersOf(goodsId)) >= STOCK / 5,
      60_000,
      5,
    );
    // The consumer is frozen mid-drain (SIGSTOP) while MariaDB shuts down, so the drain cannot
    // finish before the outage begins; it resumes, with its batch in hand, against a stopped
    // database. What it had written and what was left are read while it is frozen.
    consumer.pause();
    const writtenAtStop = await ordersOf(goodsId);
    const readyAtStop = (await stack.publisher.depth()).ready;
    const logFrom = consumer.output().length;
    const at = { down: 0, recovered: 0 };
    try {
      await stopService('mariadb');
      at.down = Date.now();
      consumer.resume();
      await sleep(OUTAGE_MS);
    } finally {
      consumer.resume();
      await ensureService('mariadb');
      at.recovered = Date.now();
    }
    const logDuringOutage = consumer.output().slice(logFrom);
    expect(writtenAtStop).toBeGreaterThan(0);
    expect(writtenAtStop).toBeLessThan(STOCK);
    const report = await expectSoldExactly(
      stack,
      goodsId,
      STOCK,
      crowd.queued,
      `MariaDB stopped ${OUTAGE_MS / 1000} s`,
      {
        since: at.recovered,
        timeoutMs: 120_000,
        fault: {
          fault: 'MariaDB stop mid-drain',
          writtenAtStop,
          leftAtStop: STOCK - writtenAtStop,
          readyAtStop,
          stopMs: at.down - drainStarted,
          downMs: at.recovered - at.down,
        },
      },
    );
    expect(report.queue.deadLetters).toBe(0);
    // It met the outage with work in hand, and waited for the database instead of failing.
    expect(logDuringOutage).toMatch(/retrying/);
  });
});
