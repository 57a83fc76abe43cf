import type { OrderMessage } from '@seckill/contracts';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { PermanentFailure } from './errors.ts';

/** What MySQL made of one message. */
export type WriteOutcome =
  | { kind: 'created'; orderId: string }
  /** The buyer already had a live order (a replay, or a second reservation): it counts as done. */
  | { kind: 'existing'; orderId: string }
  /** A replay of an order that was cancelled or expired since: its unit is already back. */
  | { kind: 'returned'; orderId: string }
  /** MySQL has no stock left for it. */
  | { kind: 'sold_out' }
  /** It belongs to a stock round that a reset has ended. */
  | { kind: 'stale' };

export interface WriteResult {
  outcomes: Map<string, WriteOutcome>;
  /** The payment deadline of the orders this transaction created (MySQL's clock), in ms. */
  expiresAt: number;
}

/**
 * Writes the orders of one sale in one transaction: the goods row is locked first, so writers of
 * the same sale take turns and a reset or a returned unit cannot slip in between; replays and
 * buyers with a live order are looked up, the new orders go in as one multi-row INSERT, pending
 * payment until `paymentTimeoutMs` after this commit, and the stock moves once by their number.
 * The unique key on live orders stays the last line against a duplicate.
 *
 * Two round trips to MySQL, not six: `db` is a pool with multiple statements per query (the
 * writer's own; measured, each round trip cost the consumer more CPU than the rows it carried).
 * 1. START TRANSACTION; lock the goods row; look up replays and live orders of these buyers.
 * 2. INSERT the new orders; UPDATE stock_left; COMMIT (only COMMIT when nothing is new).
 * Every value goes through mysql2's escaping, as in any parameterised query; any error rolls
 * the transaction back.
 */
export async function writeSaleOrders(
  db: Pool,
  goodsId: number,
  messages: OrderMessage[],
  paymentTimeoutMs: number,
): Promise<WriteResult> {
  const conn = await db.getConnection();
  try {
    return await write(conn, goodsId, messages, paymentTimeoutMs);
  } catch (err) {
    await conn.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
}

async function write(
  tx: PoolConnection,
  goodsId: number,
  messages: OrderMessage[],
  paymentTimeoutMs: number,
): Promise<WriteResult> {
  const outcomes = new Map<string, WriteOutcome>();
  const [read] = await tx.query<RowDataPacket[][]>(
    `START TRANSACTION;
     SELECT version, stock_left, NOW(3) AS now FROM goods WHERE id = ? FOR UPDATE;
     SELECT id, user_id, status FROM orders
     WHERE goods_id = ? AND (id IN (?) OR (user_id IN (?) AND status IN ('pending_payment', 'paid')))`,
    [goodsId, goodsId, messages.map((m) => m.orderId), [...new Set(messages.map((m) => m.userId))]],
  );
  const goods = read[1] ?? [];
  const known = read[2] ?? [];
  const sale = goods[0];
  if (!sale) throw new PermanentFailure(`goods ${goodsId} does not exist`);
  const round = Number(sale.version);
  let stockLeft = Number(sale.stock_left);
  const expiresAt = (sale.now as Date).getTime() + paymentTimeoutMs;
  const result = { outcomes, expiresAt };

  const current = messages.filter((m) => {
    if (m.round === round) return true;
    outcomes.set(m.orderId, { kind: 'stale' });
    return false;
  });

  // What MySQL already has: these orders themselves (replays), and the buyers' live ones.
  const replayed = new Map(known.map((r) => [String(r.id), String(r.status)]));
  const liveOrder = new Map(
    known
      .filter((r) => r.status === 'pending_payment' || r.status === 'paid')
      .map((r) => [Number(r.user_id), String(r.id)]),
  );

  const fresh: OrderMessage[] = [];
  for (const m of current) {
    const status = replayed.get(m.orderId);
    const had = liveOrder.get(m.userId);
    if (status === 'cancelled' || status === 'expired') {
      outcomes.set(m.orderId, { kind: 'returned', orderId: m.orderId });
    } else if (had) {
      outcomes.set(m.orderId, { kind: 'existing', orderId: had });
    } else if (stockLeft > 0) {
      liveOrder.set(m.userId, m.orderId);
      fresh.push(m);
      stockLeft -= 1;
      outcomes.set(m.orderId, { kind: 'created', orderId: m.orderId });
    } else {
      outcomes.set(m.orderId, { kind: 'sold_out' });
    }
  }
  if (fresh.length === 0) {
    await tx.query('COMMIT');
    return result;
  }
  const deadline = new Date(expiresAt);
  await tx.query(
    `INSERT INTO orders (id, user_id, goods_id, price, round, expires_at, created_at) VALUES ?;
     UPDATE goods SET stock_left = stock_left - ? WHERE id = ? AND stock_left >= ?;
     COMMIT`,
    [
      fresh.map((m) => [
        m.orderId,
        m.userId,
        m.goodsId,
        m.price,
        m.round,
        deadline,
        new Date(m.reservedAt),
      ]),
      fresh.length,
      goodsId,
      fresh.length,
    ],
  );
  return result;
}
