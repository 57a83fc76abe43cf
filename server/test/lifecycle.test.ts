import { cancelOrder } from '@seckill/orders';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSale } from '../src/seckill/consistency.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    // The seller chose to give new accounts ¥5,000 (nothing unless set).
    env: { LIMIT_ORDER_ACTION_PER_USER: '1000', SIGNUP_WALLET_CREDIT: '500000' },
  });
});
afterAll(() => h?.close());

type User = Awaited<ReturnType<Harness['createUsers']>>[number];

const buy = (goodsId: number, u: User) => h.buy(goodsId, u.token);

const balance = async (u: User) =>
  (await h.request('GET', '/api/wallet', { token: u.token })).body.balance as number;
const report = async (goodsId: number) =>
  checkSale(h.s.db, h.s.stock, goodsId, await h.s.publisher.depth());

describe('orders wait for payment', () => {
  it('writes a pending order with a deadline, shown to its owner only', async () => {
    const sale = await h.createSale({ stock: 3, seckillPrice: 4200 });
    const [u, other] = await h.createUsers(2);
    if (!u || !other) throw new Error('no users');
    const id = await buy(sale.id, u);
    const one = await h.request('GET', `/api/orders/${id}`, { token: u.token });
    expect(one.status).toBe(200);
    expect(one.body.item).toMatchObject({
      id,
      goodsId: sale.id,
      price: 4200,
      status: 'pending_payment',
    });
    const deadline = Date.parse(one.body.item.expiresAt) - Date.parse(one.body.item.createdAt);
    // MySQL's clock decides deadlines: the pool's sessions speak UTC like the driver.
    const [[tz]] = (await h.s.db.query('SELECT @@session.time_zone AS tz')) as unknown as [
      Array<{ tz: string }>,
    ];
    expect(tz?.tz).toBe('+00:00');
    expect(deadline).toBeGreaterThan(14 * 60_000);
    expect(deadline).toBeLessThan(16 * 60_000);
    expect(one.body.item.paidAt).toBeUndefined();
    const list = await h.request('GET', '/api/orders', { token: u.token });
    expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([id]);

    for (const [method, path] of [
      ['GET', `/api/orders/${id}`],
      ['POST', `/api/orders/${id}/pay`],
      ['POST', `/api/orders/${id}/cancel`],
    ] as const) {
      const theirs = await h.request(method, path, { token: other.token });
      expect(theirs.status, path).toBe(404);
      expect(theirs.body.code).toBe('NOT_FOUND');
      expect((await h.request(method, path)).status).toBe(401);
    }
    for (const bad of ['abc', '0', '-1', '1e5', '99999999999999999999999', '18446744073709551616'])
      expect((await h.request('GET', `/api/orders/${bad}`, { token: u.token })).status).toBe(422);
    expect((await h.request('GET', '/api/orders/12345', { token: u.token })).status).toBe(404);
  });
});

describe('paying', () => {
  it('debits the wallet once, however many pays arrive at once', async () => {
    const sale = await h.createSale({ stock: 2, seckillPrice: 12_345 });
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const id = await buy(sale.id, u);
    const before = await balance(u);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        h.request('POST', `/api/orders/${id}/pay`, { token: u.token }),
      ),
    );
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.body.item.status).toBe('paid');
    }
    expect(await balance(u)).toBe(before - 12_345);
    const debits = await h.query(
      "SELECT amount FROM wallet_entries WHERE order_id = ? AND kind = 'debit'",
      [id],
    );
    expect(debits.map((d) => Number(d.amount))).toEqual([-12_345]);
    const again = await h.request('POST', `/api/orders/${id}/pay`, { token: u.token });
    expect(again.body.item.paidAt).toBe(answers[0]?.body.item.paidAt);
    const cancel = await h.request('POST', `/api/orders/${id}/cancel`, { token: u.token });
    expect(cancel.status).toBe(409);
    expect(cancel.body.code).toBe('ORDER_PAID');
    const wallet = await h.request('GET', '/api/wallet', { token: u.token });
    expect(wallet.body.entries[0]).toMatchObject({ kind: 'debit', amount: -12_345, orderId: id });
    const r = await report(sale.id);
    expect(r).toMatchObject({ paid: 1, pending: 0, exact: true });
    expect(r?.money).toMatchObject({ debits: 12_345, paidPrices: 12_345, mismatched: 0 });
  });

  it('refuses without enough money, debits nothing, and leaves the order pending', async () => {
    const sale = await h.createSale({ stock: 2, price: 5_000_000, seckillPrice: 2_000_000 });
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const id = await buy(sale.id, u);
    const before = await balance(u);
    const r = await h.request('POST', `/api/orders/${id}/pay`, { token: u.token });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('INSUFFICIENT_FUNDS');
    expect(await balance(u)).toBe(before);
    expect(await h.query('SELECT id FROM wallet_entries WHERE order_id = ?', [id])).toHaveLength(0);
    const order = await h.request('GET', `/api/orders/${id}`, { token: u.token });
    expect(order.body.item.status).toBe('pending_payment');
  });
});

describe('cancelling', () => {
  it('puts the unit back on sale and lets the buyer and others buy again', async () => {
    const sale = await h.createSale({ stock: 1 });
    const [u, v] = await h.createUsers(2);
    if (!u || !v) throw new Error('no users');
    const id = await buy(sale.id, u);
    expect((await h.order(sale.id, v.token)).body.code).toBe('SOLD_OUT');
    const c = await h.request('POST', `/api/orders/${id}/cancel`, { token: u.token });
    expect(c.status).toBe(200);
    expect(c.body.item.status).toBe('cancelled');
    expect(c.body.item.cancelledAt).toBeTruthy();
    const twice = await h.request('POST', `/api/orders/${id}/cancel`, { token: u.token });
    expect(twice.status).toBe(200);
    expect(twice.body.item).toEqual(c.body.item);
    const pay = await h.request('POST', `/api/orders/${id}/pay`, { token: u.token });
    expect(pay.status).toBe(409);
    expect(pay.body.code).toBe('ORDER_CANCELLED');
    expect(await h.s.redis.get(h.s.stock.keys(sale.id).stock)).toBe('1');
    const [g] = await h.query('SELECT stock_left FROM goods WHERE id = ?', [sale.id]);
    expect(Number(g.stock_left)).toBe(1);
    const result = await h.request('GET', `/api/seckill/${sale.id}/result`, { token: u.token });
    expect(result.body.status).toBe('none');
    expect((await report(sale.id))?.exact).toBe(true);

    // The sold-out flag of this instance dropped: the unit sells again, to the same buyer too.
    const again = await buy(sale.id, u);
    expect(again).not.toBe(id);
    expect((await h.order(sale.id, v.token)).body.code).toBe('SOLD_OUT');
    const r = await report(sale.id);
    expect(r).toMatchObject({ ordersDb: 1, pending: 1, returned: 1, duplicates: 0, exact: true });
  });

  it('is repaired by the reconciler when an instance died between MySQL and Redis', async () => {
    const sale = await h.createSale({ stock: 2 });
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const id = await buy(sale.id, u);
    // The MySQL half only, as if the API was killed before its Redis step.
    const { returned } = await cancelOrder(h.s.db, u.id, id);
    expect(returned).toHaveLength(1);
    const broken = await report(sale.id);
    expect(broken).toMatchObject({ markedWithoutOrder: 1, exact: false });
    expect((await h.order(sale.id, u.token)).body.code).toBe('REPEAT');
    const row = await h.s.goods.get(sale.id);
    if (!row) throw new Error('no sale');
    await h.s.reconciler.reconcile(row);
    const fixed = await report(sale.id);
    expect(fixed).toMatchObject({ stockLeftRedis: 2, stockLeftDb: 2, returned: 1, exact: true });
    await buy(sale.id, u);
  });
});

describe('the wallet', () => {
  it('gives a new account its signup money and lists the ledger newest first, paged', async () => {
    const reg = await h.request('POST', '/api/auth/register', {
      body: { username: `w${h.id}`, password: 'password123' },
    });
    expect(reg.status).toBe(201);
    const token = reg.body.token as string;
    const w = await h.request('GET', '/api/wallet', { token });
    expect(w.body).toMatchObject({ balance: 500_000, page: 1, pageSize: 20, total: 1 });
    expect(w.body.entries).toEqual([expect.objectContaining({ kind: 'signup', amount: 500_000 })]);
    for (const q of ['page=0', 'pageSize=101', 'page=x', 'other=1'])
      expect((await h.request('GET', `/api/wallet?${q}`, { token })).status, q).toBe(422);
  });

  it('takes admin credits into the ledger; shoppers may not credit', async () => {
    const [admin] = await h.createUsers(1, 'admin', 'boss');
    const [u] = await h.createUsers(1);
    if (!admin || !u) throw new Error('no users');
    const body = { amount: 2500, note: 'Sorry for the wait' };
    const asUser = await h.request('POST', `/api/admin/users/${u.id}/credit`, {
      token: u.token,
      body,
    });
    expect(asUser.status).toBe(403);
    const ok = await h.request('POST', `/api/admin/users/${u.id}/credit`, {
      token: admin.token,
      body,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ userId: u.id, balance: 1_002_500 });
    expect(ok.body.entry).toMatchObject({ kind: 'credit', amount: 2500, note: body.note });
    for (const bad of [
      { amount: 0, note: 'x' },
      { amount: -5, note: 'x' },
      { amount: 1.5, note: 'x' },
      { amount: 100, note: '' },
      { amount: 100 },
      { amount: 100, note: 'x', extra: 1 },
    ]) {
      const r = await h.request('POST', `/api/admin/users/${u.id}/credit`, {
        token: admin.token,
        body: bad,
      });
      expect(r.status, JSON.stringify(bad)).toBe(422);
    }
    const missing = await h.request('POST', '/api/admin/users/999999/credit', {
      token: admin.token,
      body,
    });
    expect(missing.status).toBe(404);
    const found = await h.request('GET', `/api/admin/users?q=${encodeURIComponent(u.username)}`, {
      token: admin.token,
    });
    expect(found.body.items).toEqual([expect.objectContaining({ id: u.id, balance: 1_002_500 })]);
    await expect(
      h.query('UPDATE wallet_entries SET amount = 1 WHERE user_id = ?', [u.id]),
    ).rejects.toThrow(/append-only/);
  });
});

describe('a stock reset', () => {
  it('cancels pending orders and refunds paid ones in the same transaction', async () => {
    const [admin] = await h.createUsers(1, 'admin', 'boss');
    const sale = await h.createSale({ stock: 5, seckillPrice: 7000 });
    const users = await h.createUsers(3);
    if (!admin || users.length !== 3) throw new Error('no users');
    const ids = [];
    for (const u of users) ids.push(await buy(sale.id, u));
    for (const [i, u] of users.slice(0, 2).entries())
      expect(
        (await h.request('POST', `/api/orders/${ids[i]}/pay`, { token: u.token })).status,
      ).toBe(200);
    const preview = await h.request('GET', `/api/admin/goods/${sale.id}/reset-preview`, {
      token: admin.token,
    });
    expect(preview.body).toEqual({ pending: 1, paid: 2, refundCents: 14_000 });
    const reset = await h.request('POST', `/api/admin/goods/${sale.id}/reset`, {
      token: admin.token,
      body: { stock: 4 },
    });
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ cancelled: 3, refunded: 2, refundCents: 14_000 });
    for (const u of users) expect(await balance(u)).toBe(1_000_000);
    const states = await h.query('SELECT status FROM orders WHERE goods_id = ?', [sale.id]);
    expect(states.map((s) => s.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    const r = await report(sale.id);
    expect(r).toMatchObject({ ordersDb: 0, stockLeftRedis: 4, exact: true });
    expect(r?.money).toMatchObject({
      debits: 14_000,
      refunds: 14_000,
      paidPrices: 0,
      mismatched: 0,
    });
    // The old round's buyers may buy in the new one.
    await buy(sale.id, users[0] as User);
  });
});
