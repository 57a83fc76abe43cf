import { labInsertOrder, migrate } from '@seckill/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
let adminToken = '';
beforeAll(async () => {
  h = await startHarness();
  const [a] = await h.createUsers(1, 'admin', 'boss');
  adminToken = a?.token ?? '';
});
afterAll(() => h?.close());

type User = Awaited<ReturnType<Harness['createUsers']>>[number];

const buy = (goodsId: number, u: User) => h.buy(goodsId, u.token);

describe('an order keeps what was bought', () => {
  it("shows the sale's name, image and price as they were, after the seller edits the sale", async () => {
    const sale = await h.createSale({
      name: 'Phone, first edition',
      imageUrl: '/images/goods/phone.svg',
      price: 19900,
      seckillPrice: 9900,
    });
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const orderId = await buy(sale.id, u);
    const bought = { id: orderId, goodsId: sale.id, goodsName: 'Phone, first edition' };
    const boughtView = { ...bought, imageUrl: '/images/goods/phone.svg', price: 9900 };

    const edited = await h.request('PUT', `/api/admin/goods/${sale.id}`, {
      token: adminToken,
      body: {
        name: 'Phone, second edition',
        description: 'Edited after the sale.',
        imageUrl: '/images/goods/laptop.svg',
        price: 29900,
        seckillPrice: 19900,
        startAt: sale.startAt,
        endAt: sale.endAt,
      },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.item).toMatchObject({ name: 'Phone, second edition', seckillPrice: 19900 });

    const one = await h.request('GET', `/api/orders/${orderId}`, { token: u.token });
    expect(one.status).toBe(200);
    expect(one.body.item).toMatchObject(boughtView);
    const mine = await h.request('GET', '/api/orders', { token: u.token });
    expect(mine.body.items).toEqual([expect.objectContaining(boughtView)]);

    // Paying takes the price on the order, not the sale's new one.
    const pay = await h.request('POST', `/api/orders/${orderId}/pay`, { token: u.token });
    expect(pay.status).toBe(200);
    const paid = await h.request('GET', `/api/orders/${orderId}`, { token: u.token });
    expect(paid.body.item).toMatchObject({ ...boughtView, status: 'paid' });

    // A shopper who buys after the edit gets the sale as it is now.
    const [v] = await h.createUsers(1);
    if (!v) throw new Error('no user');
    const later = await buy(sale.id, v);
    const theirs = await h.request('GET', `/api/orders/${later}`, { token: v.token });
    expect(theirs.body.item).toMatchObject({
      goodsName: 'Phone, second edition',
      imageUrl: '/images/goods/laptop.svg',
      price: 19900,
    });
  });
});

describe("the lab's order row", () => {
  it('keeps its sale as it was too', async () => {
    const sale = await h.createSale({ name: 'Lab kettle', imageUrl: '/images/goods/coffee.svg' });
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const order = { orderId: '9100000000000000001', userId: u.id, goodsId: sale.id };
    await labInsertOrder(h.s.db, { ...order, price: 5000, round: 0 });
    const shown = await h.request('GET', `/api/orders/${order.orderId}`, { token: u.token });
    expect(shown.body.item).toMatchObject({
      goodsName: 'Lab kettle',
      imageUrl: '/images/goods/coffee.svg',
      price: 5000,
    });
  });
});

describe('migration 008_order_snapshot', () => {
  const MIGRATION = '008_order_snapshot.sql';
  const snapshots = (ids: string[]) =>
    h.query(
      `SELECT CAST(id AS CHAR) AS id, goods_name, goods_image, price FROM orders
       WHERE id IN (?) ORDER BY id`,
      [ids],
    );

  it('fills the orders written before it from their own sale', async () => {
    const a = await h.createSale({ name: 'Kettle', imageUrl: '/images/goods/coffee.svg' });
    const b = await h.createSale({ name: 'Backpack', imageUrl: '' });
    const [u, v] = await h.createUsers(2);
    if (!u || !v) throw new Error('no users');

    // The database as it was at 007, with orders of two sales.
    await h.query(`DELETE FROM schema_migrations WHERE version = ?`, [MIGRATION]);
    await h.query('ALTER TABLE orders DROP COLUMN goods_name, DROP COLUMN goods_image');
    const old = [
      { id: '9000000000000000001', user: u.id, goods: a.id, price: 5000 },
      { id: '9000000000000000002', user: v.id, goods: b.id, price: 4000 },
    ];
    for (const o of old)
      await h.query(
        `INSERT INTO orders (id, user_id, goods_id, price, round, expires_at)
         VALUES (?, ?, ?, ?, 0, NOW(3) + INTERVAL 15 MINUTE)`,
        [o.id, o.user, o.goods, o.price],
      );

    expect(await migrate(h.config.mysql)).toEqual([MIGRATION]);

    expect(await snapshots(old.map((o) => o.id))).toEqual([
      {
        id: old[0]?.id,
        goods_name: 'Kettle',
        goods_image: '/images/goods/coffee.svg',
        price: 5000,
      },
      { id: old[1]?.id, goods_name: 'Backpack', goods_image: '', price: 4000 },
    ]);
    const columns = await h.query(
      `SELECT COLUMN_NAME AS name, IS_NULLABLE AS nullable FROM information_schema.COLUMNS
       WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'orders' AND COLUMN_NAME IN ('goods_name', 'goods_image')
       ORDER BY COLUMN_NAME`,
    );
    expect(columns).toEqual([
      { name: 'goods_image', nullable: 'NO' },
      { name: 'goods_name', nullable: 'NO' },
    ]);
    const shown = await h.request('GET', `/api/orders/${old[1]?.id}`, { token: v.token });
    expect(shown.body.item).toMatchObject({ goodsName: 'Backpack', imageUrl: '', price: 4000 });
  });

  it('run again after a stop before it was recorded, keeps the snapshots it filled', async () => {
    const sale = await h.createSale({ name: 'Watch', imageUrl: '/images/goods/watch.svg' });
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const orderId = await buy(sale.id, u);
    await h.query(`UPDATE goods SET name = 'Watch, renamed' WHERE id = ?`, [sale.id]);
    await h.query(`DELETE FROM schema_migrations WHERE version = ?`, [MIGRATION]);

    expect(await migrate(h.config.mysql)).toEqual([MIGRATION]);
    expect(await snapshots([orderId])).toEqual([
      { id: orderId, goods_name: 'Watch', goods_image: '/images/goods/watch.svg', price: 5000 },
    ]);
  });
});
