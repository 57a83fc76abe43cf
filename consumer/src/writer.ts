import type { OrderMessage } from '@seckill/contracts';
import { beginAndLockStock, insertOrdersAndCommit, selectKnownOrders } from '@seckill/db';
import type { Pool, PoolConnection } from 'mysql2/promise';
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
 * buyers with a live order are recognised, the new orders go in as one multi-row INSERT, pending
 * payment until `paymentTimeoutMs` after this commit, and the stock moves once by their number.
 *
 * Two round trips to MySQL, not six: `db` is a pool with multiple statements per query (the
 * writer's own; measured, each round trip cost the consumer more CPU than the rows it carried).
 * 1. START TRANSACTION; lock the goods row (and read the name and image each order keeps).
 * 2. INSERT the orders of the current round; UPDATE stock_left; COMMIT.
 * The snapshot comes from that locked row, not the message: it costs no round trip and no bytes
 * per message on the hot path; the price paid and the round do travel in the message.
 * The INSERT is optimistic: a first delivery of orders Redis reserved, one per buyer, is by far
 * the common case, and for it the lookup of replays and live orders finds nothing (measured, that
 * lookup with its two IN lists was half of MariaDB's time per order). So the lookup runs only when
 * it can change an outcome: when there are more orders than stock (one of them may be a replay
 * rather than sold out), or when the INSERT hit a unique key (a replay's id, or a buyer's live
 * order) — that error undoes only the statement, and the same transaction, its goods row still
 * locked, then looks the orders up and writes the new ones. Every value goes through mysql2's
 * escaping, as in any parameterised query; any other error rolls the transaction back.
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
  const sale = await beginAndLockStock(tx, goodsId);
  if (!sale) throw new PermanentFailure(`goods ${goodsId} does not exist`);
  const round = Number(sale.version);
  const stockLeft = Number(sale.stock_left);
  const expiresAt = (sale.now as Date).getTime() + paymentTimeoutMs;
  // The snapshot each order keeps, read under the same lock: an admin's edit waits for this commit.
  const snapshot = { name: String(sale.name), imageUrl: String(sale.image_url) };
  const result = { outcomes, expiresAt };

  const current = messages.filter((m) => {
    if (m.round === round) return true;
    outcomes.set(m.orderId, { kind: 'stale' });
    return false;
  });
  if (current.length === 0) {
    await tx.query('COMMIT');
    return result;
  }
  if (current.length <= stockLeft) {
    try {
      await insertOrdersAndCommit(tx, goodsId, current, snapshot, expiresAt);
      for (const m of current) outcomes.set(m.orderId, { kind: 'created', orderId: m.orderId });
      return result;
    } catch (err) {
      // A replay or a buyer's second order: only the INSERT was undone; look them up below.
      if ((err as { code?: string }).code !== 'ER_DUP_ENTRY') throw err;
    }
  }

  // What MySQL already has: these orders themselves (replays), and the buyers' live ones.
  const known = await selectKnownOrders(tx, goodsId, current);
  const replayed = new Map(known.map((r) => [String(r.id), String(r.status)]));
  const liveOrder = new Map(
    known
      .filter((r) => r.status === 'pending_payment' || r.status === 'paid')
      .map((r) => [Number(r.user_id), String(r.id)]),
  );

  const fresh: OrderMessage[] = [];
  let left = stockLeft;
  for (const m of current) {
    const status = replayed.get(m.orderId);
    const had = liveOrder.get(m.userId);
    if (status === 'cancelled' || status === 'expired') {
      outcomes.set(m.orderId, { kind: 'returned', orderId: m.orderId });
    } else if (had) {
      outcomes.set(m.orderId, { kind: 'existing', orderId: had });
    } else if (left > 0) {
      liveOrder.set(m.userId, m.orderId);
      fresh.push(m);
      left -= 1;
      outcomes.set(m.orderId, { kind: 'created', orderId: m.orderId });
    } else {
      outcomes.set(m.orderId, { kind: 'sold_out' });
    }
  }
  if (fresh.length === 0) await tx.query('COMMIT');
  else await insertOrdersAndCommit(tx, goodsId, fresh, snapshot, expiresAt);
  return result;
}
