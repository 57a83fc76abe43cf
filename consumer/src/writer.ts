import type { OrderMessage } from '@seckill/contracts';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { PermanentFailure } from './errors.ts';

/** What MySQL made of one message. */
export type WriteOutcome =
  | { kind: 'created'; orderId: string }
  /** The buyer already had an order (a replay, or a second reservation): it counts as done. */
  | { kind: 'existing'; orderId: string }
  /** MySQL has no stock left for it. */
  | { kind: 'sold_out' }
  /** It belongs to a stock round that a reset has ended. */
  | { kind: 'stale' };

/**
 * Writes the orders of one sale in one transaction: the goods row is locked first, so writers of
 * the same sale take turns and a reset cannot slip in between; existing orders are looked up, the
 * new ones go in as one multi-row INSERT and the stock moves once by their number.
 * UNIQUE (user_id, goods_id) stays the last line against a duplicate.
 */
export async function writeSaleOrders(
  db: Pool,
  goodsId: number,
  messages: OrderMessage[],
): Promise<Map<string, WriteOutcome>> {
  const conn = await db.getConnection();
  try {
    await conn.beginTransaction();
    const outcomes = await write(conn, goodsId, messages);
    await conn.commit();
    return outcomes;
  } catch (err) {
    await conn.rollback().catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
}

async function write(conn: PoolConnection, goodsId: number, messages: OrderMessage[]) {
  const outcomes = new Map<string, WriteOutcome>();
  const [goods] = await conn.execute<RowDataPacket[]>(
    'SELECT version, stock_left FROM goods WHERE id = ? FOR UPDATE',
    [goodsId],
  );
  const sale = goods[0];
  if (!sale) throw new PermanentFailure(`goods ${goodsId} does not exist`);
  const round = Number(sale.version);
  let stockLeft = Number(sale.stock_left);

  const current = messages.filter((m) => {
    if (m.round === round) return true;
    outcomes.set(m.orderId, { kind: 'stale' });
    return false;
  });
  if (current.length === 0) return outcomes;

  const userIds = [...new Set(current.map((m) => m.userId))];
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT user_id, id FROM orders WHERE goods_id = ? AND user_id IN (?)',
    [goodsId, userIds],
  );
  const existing = new Map(rows.map((r) => [Number(r.user_id), String(r.id)]));

  const fresh: OrderMessage[] = [];
  for (const m of current) {
    const had = existing.get(m.userId);
    if (had) {
      outcomes.set(m.orderId, { kind: 'existing', orderId: had });
    } else if (stockLeft > 0) {
      existing.set(m.userId, m.orderId);
      fresh.push(m);
      stockLeft -= 1;
      outcomes.set(m.orderId, { kind: 'created', orderId: m.orderId });
    } else {
      outcomes.set(m.orderId, { kind: 'sold_out' });
    }
  }
  if (fresh.length > 0) {
    await conn.query('INSERT INTO orders (id, user_id, goods_id, price, created_at) VALUES ?', [
      fresh.map((m) => [m.orderId, m.userId, m.goodsId, m.price, new Date(m.reservedAt)]),
    ]);
    await conn.execute(
      'UPDATE goods SET stock_left = stock_left - ? WHERE id = ? AND stock_left >= ?',
      [fresh.length, goodsId, fresh.length],
    );
  }
  return outcomes;
}
