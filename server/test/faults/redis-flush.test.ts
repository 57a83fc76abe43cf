import { deleteKeysWithPrefix } from '@seckill/stock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectMidBurst,
  expectSoldExactly,
  runCrowd,
  sleep,
  startStack,
  waitFor,
  type Answer,
  type Stack,
} from './stack.ts';

// CI size by default; `pnpm test:faults` (FAULTS_FULL=1) runs 1,200 shoppers for 400 units.
const FULL = process.env.FAULTS_FULL === '1';
const USERS = FULL ? 1200 : 900;
const STOCK = FULL ? 400 : 300;
const CONCURRENCY = 100;

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
    const goodsId = await stack.createSale(STOCK);
    const users = await stack.createUsers(USERS);
    // While the flush is being made, and after it until the reconciler rebuilds the counter, a
    // watcher reads whether the counter exists: `missingFrom` is its first read after the flush
    // that found none, `missingUntil` its last, `rebuiltAt` its first read that found it back.
    let missingFrom = 0;
    let missingUntil = 0;
    let rebuiltAt = 0;
    const paths: Answer[] = [];
    const crowd = await runCrowd(stack, goodsId, users, () => [port], {
      concurrency: CONCURRENCY,
      onAnswer: (a) => {
        if (a.kind === 'path' && missingFrom) paths.push(a);
      },
      fault: {
        name: 'Redis flush',
        afterAnswered: STOCK / 4,
        // No new shopper starts until the keys are gone: the rest of the burst meets the flush.
        hold: true,
        // What FLUSHALL does to this deployment, without touching other runs sharing Redis.
        inject: async () => {
          await deleteKeysWithPrefix(stack.redis, stack.env.SECKILL_PREFIX ?? '');
          if (await stack.stock.hasCounter(goodsId)) rebuiltAt = Date.now();
          else missingFrom = missingUntil = Date.now();
          void (async () => {
            while (!rebuiltAt) {
              await sleep(10);
              if (await stack.stock.hasCounter(goodsId)) rebuiltAt = Date.now();
              else missingUntil = Date.now();
            }
          })();
        },
        recover: () => waitFor('the counter rebuilt from MySQL', () => rebuiltAt > 0, 60_000),
      },
    });
    const fault = expectMidBurst(crowd.fault, STOCK);
    expect(STOCK / 4 + CONCURRENCY).toBeLessThan(STOCK);
    // Paths asked for and answered while the counter was known to be missing: each was refused
    // with 503 RETRY. (None only if the reconciler rebuilt it before any shopper asked.)
    const whileMissing = paths.filter(
      (a) => a.startedAt >= missingFrom && a.endedAt <= missingUntil,
    );
    expect(whileMissing.filter((a) => a.status !== 503 || a.code !== 'RETRY')).toEqual([]);
    await expectSoldExactly(stack, goodsId, STOCK, crowd.queued, 'Redis flushed mid-sale', {
      since: fault.recoveredAt,
      extra: { users: USERS, answers: Object.fromEntries(crowd.answers) },
      fault: {
        ...fault,
        missingMs: missingFrom ? rebuiltAt - missingFrom : 0,
        refusedWhileMissing: whileMissing.length,
      },
    });
  });
});
