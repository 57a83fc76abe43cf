import { writeSaleOrders } from '@seckill/consumer';
import type { OrderMessage } from '@seckill/contracts';
import { createPool } from '@seckill/db';
import type { Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

// The order writer against MariaDB itself: its optimistic INSERT, and the lookup it falls back on
// when the INSERT meets a replay or a buyer's live order, or when orders outnumber the stock.
let h: Harness;
let db: Pool;
beforeAll(async () => {
  h = await startHarness({ consumer: false });
  db = createPool(h.config.mysql, { connectionLimit: 2, multipleStatements: true });
});
afterAll(async () => {
  await db?.end();
  await h?.close();
});

let nextId = 880_000_000;
function order(goodsId: number, userId: number, over: Partial<OrderMessage> = {}): OrderMessage {
  nextId += 1;
  return {
    v: 1,
    orderId: String(nextId),
    userId,
    goodsId,
    price: 5000,
    round: 0,
    reservedAt: Date.now(),
    ...over,
  };
}

const write = (goodsId: number, messages: OrderMessage[]) =>
  writeSaleOrders(db, goodsId, messages, 60_000);
const kinds = (r: Awaited<ReturnType<typeof write>>, ms: OrderMessage[]) =>
  ms.map((m) => r.outcomes.get(m.orderId)?.kind);
const stockLeft = async (goodsId: number) =>
  Number((await h.query('SELECT stock_left FROM goods WHERE id = ?', [goodsId]))[0].stock_left);
const orderRows = (goodsId: number) =>
  h.query('SELECT id, user_id, status FROM orders WHERE goods_id = ? ORDER BY id', [goodsId]);

describe('the order writer', () => {
  it('writes a first delivery of new buyers in one go, and takes their number off the stock', async () => {
    const sale = await h.createSale({ stock: 5 });
    const users = await h.createUsers(3);
    const ms = users.map((u) => order(sale.id, u.id));
    const r = await write(sale.id, ms);
    expect(kinds(r, ms)).toEqual(['created', 'created', 'created']);
    expect(await orderRows(sale.id)).toHaveLength(3);
    expect(await stockLeft(sale.id)).toBe(2);
  });

  it('recognises replays and buyers with a live order after the INSERT meets their keys', async () => {
    const sale = await h.createSale({ stock: 10 });
    const [a, b, c, d] = await h.createUsers(4);
    if (!a || !b || !c || !d) throw new Error('no users');
    const first = [order(sale.id, a.id), order(sale.id, b.id)];
    await write(sale.id, first);
    const [firstA, firstB] = first as [OrderMessage, OrderMessage];
    // B's order expired since: its replay is "returned", its unit already back.
    await h.query(`UPDATE orders SET status = 'expired' WHERE id = ?`, [firstB.orderId]);
    const secondA = order(sale.id, a.id);
    const newC = order(sale.id, c.id);
    const twiceD = [order(sale.id, d.id), order(sale.id, d.id)];
    const ms = [firstA, secondA, firstB, newC, ...twiceD];
    const r = await write(sale.id, ms);
    expect(kinds(r, ms)).toEqual([
      'existing',
      'existing',
      'returned',
      'created',
      'created',
      'existing',
    ]);
    expect(r.outcomes.get(secondA.orderId)).toEqual({ kind: 'existing', orderId: firstA.orderId });
    expect(r.outcomes.get(twiceD[1]!.orderId)).toEqual({
      kind: 'existing',
      orderId: twiceD[0]!.orderId,
    });
    const rows = await orderRows(sale.id);
    expect(rows.map((o) => String(o.id))).toEqual(
      [firstA, firstB, newC, twiceD[0]!].map((m) => m.orderId).sort(),
    );
    // Two from the first write, C and D now: the replays and the second orders took nothing.
    expect(await stockLeft(sale.id)).toBe(6);
  });

  it('tells a replay from a sold-out order when orders outnumber the stock', async () => {
    const sale = await h.createSale({ stock: 2 });
    const users = await h.createUsers(4);
    const [u0, u1, u2, u3] = users as [
      (typeof users)[0],
      (typeof users)[0],
      (typeof users)[0],
      (typeof users)[0],
    ];
    const first = order(sale.id, u0.id);
    await write(sale.id, [first]);
    const ms = [order(sale.id, u1.id), order(sale.id, u2.id), first, order(sale.id, u3.id)];
    const r = await write(sale.id, ms);
    expect(kinds(r, ms)).toEqual(['created', 'sold_out', 'existing', 'sold_out']);
    expect(await orderRows(sale.id)).toHaveLength(2);
    expect(await stockLeft(sale.id)).toBe(0);
  });

  it('leaves orders of an ended round out, and writes the current ones', async () => {
    const sale = await h.createSale({ stock: 3 });
    const [a, b] = await h.createUsers(2);
    if (!a || !b) throw new Error('no users');
    const ms = [order(sale.id, a.id, { round: 7 }), order(sale.id, b.id)];
    const r = await write(sale.id, ms);
    expect(kinds(r, ms)).toEqual(['stale', 'created']);
    expect(await stockLeft(sale.id)).toBe(2);
  });

  it('rolls back everything when an order cannot be written, and the connection stays usable', async () => {
    const sale = await h.createSale({ stock: 3 });
    const [a] = await h.createUsers(1);
    if (!a) throw new Error('no user');
    // No such buyer: the foreign key refuses the INSERT, and nothing of the batch stays.
    await expect(
      write(sale.id, [order(sale.id, a.id), order(sale.id, 2_000_000_000)]),
    ).rejects.toThrow();
    expect(await orderRows(sale.id)).toHaveLength(0);
    expect(await stockLeft(sale.id)).toBe(3);
    const ok = [order(sale.id, a.id)];
    expect(kinds(await write(sale.id, ok), ok)).toEqual(['created']);
  });
});
