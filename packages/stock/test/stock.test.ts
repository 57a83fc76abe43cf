import { randomBytes } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { deleteKeysWithPrefix, saleKeys, StockStore, type SaleWindow } from '../src/index.ts';
import { testRedis } from './redis.ts';

const prefix = `ts${randomBytes(4).toString('hex')}:`;
const redis = testRedis();
const stock = new StockStore(redis, prefix);
let goodsId = 0;

afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

const sale = (over: Partial<SaleWindow> = {}): SaleWindow => ({
  goodsId,
  startMs: Date.now() - 60_000,
  endMs: Date.now() + 60_000,
  price: 990,
  round: 3,
  stock: 2,
  ...over,
});
const setPath = (userId: number, token: string) =>
  redis.set(saleKeys(prefix, goodsId).path(userId), token, 'PX', 10_000);

beforeEach(() => {
  goodsId += 1;
});

describe('reserve.lua', () => {
  it('reserves, marks the buyer and uses the path up', async () => {
    await stock.warm(sale(), { reset: true });
    await setPath(7, 'p7');
    expect(await stock.reserve(goodsId, 7, 'p7', '1001')).toEqual({
      outcome: 'OK',
      price: 990,
      round: 3,
    });
    const k = saleKeys(prefix, goodsId);
    expect(await redis.get(k.stock)).toBe('1');
    expect(await redis.hget(k.buyers, '7')).toBe('1001');
    expect(await redis.exists(k.path(7))).toBe(0);
    expect(await stock.reserve(goodsId, 7, 'p7', '1002')).toEqual({ outcome: 'BAD_PATH' });
  });

  it('answers BAD_PATH for a wrong path and voids the right one', async () => {
    await stock.warm(sale(), { reset: true });
    await setPath(1, 'right');
    expect((await stock.reserve(goodsId, 1, 'wrong', '1')).outcome).toBe('BAD_PATH');
    expect((await stock.reserve(goodsId, 1, 'right', '1')).outcome).toBe('BAD_PATH');
    expect(await redis.get(saleKeys(prefix, goodsId).stock)).toBe('2');
  });

  it('answers REPEAT for a buyer who already holds a unit', async () => {
    await stock.warm(sale(), { reset: true });
    await setPath(1, 'a');
    await stock.reserve(goodsId, 1, 'a', '1');
    await setPath(1, 'b');
    expect((await stock.reserve(goodsId, 1, 'b', '2')).outcome).toBe('REPEAT');
    expect(await redis.get(saleKeys(prefix, goodsId).stock)).toBe('1');
  });

  it('answers SOLD_OUT at zero and never goes below', async () => {
    await stock.warm(sale({ stock: 1 }), { reset: true });
    await setPath(1, 'a');
    await setPath(2, 'b');
    expect((await stock.reserve(goodsId, 1, 'a', '1')).outcome).toBe('OK');
    expect((await stock.reserve(goodsId, 2, 'b', '2')).outcome).toBe('SOLD_OUT');
    expect(await redis.get(saleKeys(prefix, goodsId).stock)).toBe('0');
  });

  it('answers NOT_STARTED and ENDED by the Redis clock', async () => {
    await stock.warm(sale({ startMs: Date.now() + 60_000, endMs: Date.now() + 120_000 }), {
      reset: true,
    });
    await setPath(1, 'a');
    expect((await stock.reserve(goodsId, 1, 'a', '1')).outcome).toBe('NOT_STARTED');
    goodsId += 1;
    await stock.warm(sale({ startMs: Date.now() - 120_000, endMs: Date.now() - 1 }), {
      reset: true,
    });
    await setPath(1, 'a');
    expect((await stock.reserve(goodsId, 1, 'a', '1')).outcome).toBe('ENDED');
    expect(await redis.get(saleKeys(prefix, goodsId).stock)).toBe('2');
  });

  it('answers NOT_WARMED when the counter is missing', async () => {
    await setPath(1, 'a');
    expect((await stock.reserve(goodsId, 1, 'a', '1')).outcome).toBe('NOT_WARMED');
    expect(await redis.exists(saleKeys(prefix, goodsId).stock)).toBe(0);
  });
});

describe('release, claim and settle', () => {
  async function reserved(userId = 1, orderId = '1') {
    await stock.warm(sale(), { reset: true });
    await setPath(userId, 'p');
    await stock.reserve(goodsId, userId, 'p', orderId);
  }

  it('lets the API undo an unclaimed reservation and leaves a tombstone the consumer drops', async () => {
    await reserved();
    expect(
      await stock.release(goodsId, 1, '1', { force: false, result: '', returnUnit: true }),
    ).toBe('released');
    expect(await redis.get(saleKeys(prefix, goodsId).stock)).toBe('2');
    expect(await stock.result(goodsId, 1)).toEqual({ status: 'none' });
    expect(await stock.claim(goodsId, 1, '1')).toBe('dropped');
    expect(
      await stock.release(goodsId, 1, '1', { force: false, result: '', returnUnit: true }),
    ).toBe('gone');
    expect(await redis.get(saleKeys(prefix, goodsId).stock)).toBe('2');
  });

  it('refuses the API an undo once the consumer claimed the reservation', async () => {
    await reserved();
    expect(await stock.claim(goodsId, 1, '1')).toBe('claimed');
    expect(
      await stock.release(goodsId, 1, '1', { force: false, result: '', returnUnit: true }),
    ).toBe('claimed');
    expect(await stock.result(goodsId, 1)).toEqual({ status: 'queued' });
    expect(
      await stock.release(goodsId, 1, '1', { force: true, result: 'failed', returnUnit: true }),
    ).toBe('released');
    expect(await stock.result(goodsId, 1)).toEqual({ status: 'failed' });
    expect(await redis.get(saleKeys(prefix, goodsId).stock)).toBe('2');
  });

  it('drops a message whose buyer holds another reservation; leaves an unknown one to MySQL', async () => {
    await reserved(1, '2');
    expect(await stock.claim(goodsId, 1, '1')).toBe('dropped');
    expect(await stock.claim(goodsId, 9, '9')).toBe('untracked');
  });

  it('settles a committed order, returning the unit of a duplicate and counting an untracked one', async () => {
    await reserved(1, '10');
    await stock.settle(goodsId, 1, '10', '10');
    expect(await stock.result(goodsId, 1)).toEqual({ status: 'success', orderId: '10' });
    expect(await redis.get(saleKeys(prefix, goodsId).stock)).toBe('1');

    await setPath(2, 'q');
    await stock.reserve(goodsId, 2, 'q', '20');
    expect(await redis.get(saleKeys(prefix, goodsId).stock)).toBe('0');
    await stock.settle(goodsId, 2, '5', '20'); // the buyer already had order 5: the unit goes back
    expect(await stock.result(goodsId, 2)).toEqual({ status: 'success', orderId: '5' });
    expect(await redis.get(saleKeys(prefix, goodsId).stock)).toBe('1');

    await stock.settle(goodsId, 3, '30', '30'); // Redis never saw it: count it
    expect(await redis.get(saleKeys(prefix, goodsId).stock)).toBe('0');
    expect(await redis.hget(saleKeys(prefix, goodsId).buyers, '3')).toBe('30');
  });

  it('settles a batch in one call exactly as settle does one by one', async () => {
    await reserved(1, '10');
    await setPath(2, 'q');
    await stock.reserve(goodsId, 2, 'q', '20');
    expect(await redis.get(saleKeys(prefix, goodsId).stock)).toBe('0');
    const settled = await stock.settleMany(goodsId, [
      { userId: 1, orderId: '10', reservedOrderId: '10' },
      { userId: 2, orderId: '5', reservedOrderId: '20' }, // had order 5: the unit goes back
      { userId: 3, orderId: '30', reservedOrderId: '30' }, // Redis never saw it: count it
    ]);
    expect(settled).toBe(3);
    expect(await stock.result(goodsId, 1)).toEqual({ status: 'success', orderId: '10' });
    expect(await stock.result(goodsId, 2)).toEqual({ status: 'success', orderId: '5' });
    expect(await stock.result(goodsId, 3)).toEqual({ status: 'success', orderId: '30' });
    expect(await redis.hgetall(saleKeys(prefix, goodsId).buyers)).toEqual({
      1: '10',
      2: '5',
      3: '30',
    });
    // +1 for the duplicate's unit, −1 for the untracked order.
    expect(await redis.get(saleKeys(prefix, goodsId).stock)).toBe('0');
    expect(await stock.settleMany(goodsId, [])).toBe(0);
  });
});

describe('warm.lua and rebuild.lua', () => {
  it('keeps a live counter and reports a missing one', async () => {
    await stock.warm(sale({ stock: 5 }), { reset: true });
    await redis.set(saleKeys(prefix, goodsId).stock, '3');
    expect(await stock.warm(sale({ stock: 5, price: 700 }), { reset: false })).toBe('ready');
    expect(await redis.get(saleKeys(prefix, goodsId).stock)).toBe('3');
    expect(await redis.hget(saleKeys(prefix, goodsId).meta, 'price')).toBe('700');
    await redis.del(saleKeys(prefix, goodsId).stock);
    expect(await stock.warm(sale({ stock: 5 }), { reset: false })).toBe('missing');
  });

  it('rebuilds the counter as total minus buyer marks, restoring the marks of orders', async () => {
    await stock.warm(sale({ stock: 5 }), { reset: true });
    await setPath(1, 'p');
    await stock.reserve(goodsId, 1, 'p', '11'); // in flight: keeps its unit
    await redis.del(saleKeys(prefix, goodsId).stock);
    const orders = [
      { userId: 8, orderId: '88' },
      { userId: 9, orderId: '99' },
    ];
    expect(await stock.rebuild(sale({ stock: 5 }), orders)).toEqual({ before: null, after: 2 });
    expect(await stock.result(goodsId, 8)).toEqual({ status: 'success', orderId: '88' });
    expect(await stock.rebuild(sale({ stock: 5 }), orders)).toEqual({ before: 2, after: 2 });
    await redis.set(saleKeys(prefix, goodsId).stock, '4'); // drifted: Redis would sell too much
    expect(await stock.rebuild(sale({ stock: 5 }), orders)).toEqual({ before: 4, after: 2 });
    expect(await stock.rebuild(sale({ stock: 5, round: 4 }), orders)).toBeNull();
  });

  it('rebuilds meta too when Redis lost everything', async () => {
    expect(await stock.rebuild(sale({ stock: 3 }), [])).toEqual({ before: null, after: 3 });
    await setPath(1, 'p');
    expect((await stock.reserve(goodsId, 1, 'p', '1')).outcome).toBe('OK');
  });
});

describe('issue-path.lua', () => {
  it('checks the window before the captcha, then the buyer and the stock', async () => {
    await stock.warm(sale({ stock: 1 }), { reset: true });
    const opts = (answer: string) => ({
      answer,
      maxTries: 2,
      path: 'tok',
      ttlMs: 5000,
      skipCaptcha: false,
    });
    expect(await stock.issuePath(goodsId, 1, opts('abcd'))).toBe('BAD_CAPTCHA');
    await stock.storeCaptcha(goodsId, 1, 'AbCd', 5000);
    expect(await stock.issuePath(goodsId, 1, opts('ABCD'))).toBe('OK');
    expect(await redis.get(saleKeys(prefix, goodsId).path(1))).toBe('tok');
    // The path ends, no later than asked (how much of it is left depends on the machine).
    const ttl = await redis.pttl(saleKeys(prefix, goodsId).path(1));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5000);
    await stock.reserve(goodsId, 1, 'tok', '1');
    await stock.storeCaptcha(goodsId, 1, 'x', 5000);
    expect(await stock.issuePath(goodsId, 1, opts('x'))).toBe('REPEAT');
    await stock.storeCaptcha(goodsId, 2, 'y', 5000);
    expect(await stock.issuePath(goodsId, 2, opts('y'))).toBe('SOLD_OUT');
    expect(await stock.issuePath(goodsId, 3, { ...opts(''), skipCaptcha: true })).toBe('SOLD_OUT');
  });
});

describe('return-units.lua', () => {
  it('gives units back once, for marks that still name the order, in the same round only', async () => {
    await stock.warm(sale({ stock: 3 }), { reset: true });
    const k = saleKeys(prefix, goodsId);
    for (const [user, order] of [
      [7, '1001'],
      [8, '1002'],
    ] as const) {
      await setPath(user, `p${user}`);
      expect((await stock.reserve(goodsId, user, `p${user}`, order)).outcome).toBe('OK');
    }
    expect(await redis.get(k.stock)).toBe('1');
    // Buyer 8 has since bought again: the mark names another order and stays.
    await redis.hset(k.buyers, '8', '2002');
    const orders = [
      { userId: 7, orderId: '1001' },
      { userId: 8, orderId: '1002' },
    ];
    expect(await stock.returnUnits(goodsId, 3, orders)).toBe(1);
    expect(await redis.get(k.stock)).toBe('2');
    expect(await redis.hexists(k.buyers, '7')).toBe(0);
    expect(await redis.hget(k.buyers, '8')).toBe('2002');
    expect(await stock.result(goodsId, 7)).toEqual({ status: 'none' });
    // A replay changes nothing; another round gets nothing.
    expect(await stock.returnUnits(goodsId, 3, orders)).toBe(0);
    expect(await redis.get(k.stock)).toBe('2');
    expect(await stock.returnUnits(goodsId, 2, [{ userId: 8, orderId: '2002' }])).toBeNull();
    expect(await redis.hget(k.buyers, '8')).toBe('2002');
  });

  it('lifts the mark without counting when the counter is gone (the rebuild counts it)', async () => {
    await stock.warm(sale(), { reset: true });
    const k = saleKeys(prefix, goodsId);
    await setPath(7, 'p7');
    await stock.reserve(goodsId, 7, 'p7', '1001');
    await redis.del(k.stock);
    expect(await stock.returnUnits(goodsId, 3, [{ userId: 7, orderId: '1001' }])).toBe(1);
    expect(await redis.exists(k.stock)).toBe(0);
    expect(await redis.hexists(k.buyers, '7')).toBe(0);
  });
});
