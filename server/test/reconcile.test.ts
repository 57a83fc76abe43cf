import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
let adminToken = '';
beforeAll(async () => {
  h = await startHarness({ env: { RECONCILE_GRACE_MS: '200' } });
  adminToken = (await h.createUsers(1, 'admin', 'boss'))[0]?.token ?? '';
});
afterAll(() => h?.close());

const books = async (id: number) =>
  (await h.request('GET', `/api/admin/goods/${id}/consistency`, { token: adminToken })).body.report;
const repair = async (id: number) =>
  (await h.request('POST', `/api/admin/goods/${id}/reconcile`, { token: adminToken })).body;

describe('the consistency report and the reconciler', () => {
  it('reports an exact sale as exact', async () => {
    const sale = await h.createSale({ stock: 3 });
    const [u] = await h.createUsers(1);
    await h.order(sale.id, u?.token ?? '');
    await h.waitFor(
      () => books(sale.id),
      (r) => r.ordersDb === 1,
    );
    expect(await books(sale.id)).toMatchObject({
      stockTotal: 3,
      stockLeftDb: 2,
      stockLeftRedis: 2,
      ordersDb: 1,
      buyersRedis: 1,
      markedWithoutOrder: 0,
      oversold: 0,
      undersold: 0,
      duplicates: 0,
      exact: true,
    });
  });

  it('turns a reservation whose message was lost (an API killed before publishing) into an order', async () => {
    const sale = await h.createSale({ stock: 3 });
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    // What an instance leaves when it dies between the Lua reservation and the publish.
    const k = h.s.stock.keys(sale.id);
    await h.s.redis.set(k.path(u.id), 'L'.repeat(32), 'PX', 10_000);
    const orderId = h.s.orderIds.next();
    expect((await h.s.stock.reserve(sale.id, u.id, 'L'.repeat(32), orderId)).outcome).toBe('OK');
    const lost = await books(sale.id);
    expect(lost).toMatchObject({ markedWithoutOrder: 1, undersold: 1, exact: false });

    await new Promise((r) => setTimeout(r, 300));
    const fixed = await repair(sale.id);
    expect(fixed.result).toMatchObject({ requeued: 1 });
    const after = await h.waitFor(
      () => books(sale.id),
      (r) => r.ordersDb === 1,
    );
    expect(after).toMatchObject({
      ordersDb: 1,
      stockLeftRedis: 2,
      stockLeftDb: 2,
      undersold: 0,
      exact: true,
    });
    const [row] = await h.query('SELECT id FROM orders WHERE goods_id = ?', [sale.id]);
    expect(String(row.id)).toBe(orderId);
    expect(
      (await h.request('GET', `/api/seckill/${sale.id}/result`, { token: u.token })).body,
    ).toEqual({
      status: 'success',
      orderId,
    });
  });

  it('rebuilds a drifted counter from MySQL, and a lost one; never sells from a missing one', async () => {
    const sale = await h.createSale({ stock: 4 });
    const users = await h.createUsers(3);
    for (const u of users.slice(0, 2)) expect((await h.order(sale.id, u.token)).status).toBe(202);
    await h.waitFor(
      () => books(sale.id),
      (r) => r.ordersDb === 2,
    );
    const k = h.s.stock.keys(sale.id);

    await h.s.redis.set(k.stock, '0'); // units gone from Redis with no order: undersold
    expect(await books(sale.id)).toMatchObject({ undersold: 2, exact: false });
    expect((await repair(sale.id)).result.stock).toEqual({ before: 0, after: 2 });
    expect(await books(sale.id)).toMatchObject({ stockLeftRedis: 2, undersold: 0, exact: true });

    await h.s.redis.del(k.stock, k.buyers, k.results, k.meta);
    expect((await h.path(sale.id, users[2]?.token ?? '')).body.code).toBe('RETRY');
    expect(await books(sale.id)).toMatchObject({ stockLeftRedis: null, exact: false });
    expect((await repair(sale.id)).result.stock).toEqual({ before: null, after: 2 });
    // The buyers' marks came back with the counter: a buyer cannot buy twice after the rebuild.
    expect((await h.path(sale.id, users[0]?.token ?? '')).body.code).toBe('REPEAT');
    expect((await h.order(sale.id, users[2]?.token ?? '')).status).toBe(202);
    const final = await h.waitFor(
      () => books(sale.id),
      (r) => r.ordersDb === 3,
    );
    expect(final).toMatchObject({ ordersDb: 3, stockLeftRedis: 1, stockLeftDb: 1, exact: true });
  });

  it("runs the timer's full pass once per period for the deployment, at once for a lost counter", async () => {
    const sale = await h.createSale({ stock: 3 });
    const row = await h.s.goods.get(sale.id);
    if (!row) throw new Error('no sale');
    const first = await h.s.reconciler.reconcileDue(row, 60_000);
    expect(first).toMatchObject({ goodsId: sale.id });
    // Within the period, on this instance or any other (the turn is kept in Redis): no full pass.
    expect(await h.s.reconciler.reconcileDue(row, 60_000)).toBeNull();
    // A counter Redis lost cannot wait for the next period.
    await h.s.redis.del(h.s.stock.keys(sale.id).stock);
    const rebuilt = await h.s.reconciler.reconcileDue(row, 60_000);
    expect(rebuilt?.stock).toEqual({ before: null, after: 3 });
    expect(await h.s.redis.get(h.s.stock.keys(sale.id).stock)).toBe('3');
  });
});
