import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { TAKE_STOCK_SQL } from './goods.ts';

/**
 * Every statement on `orders`. Each takes the pool or the caller's transaction: which locks are
 * held together, and in what order (goods row → order rows → user rows), is the caller's.
 */
type Sql = Pool | PoolConnection;

/** An order as shoppers see it: what was bought, from its own snapshot, never the live sale. */
const ORDER_VIEW = `SELECT o.id, o.goods_id, o.goods_name, o.goods_image, o.price, o.status,
  o.created_at, o.expires_at, o.paid_at, o.cancelled_at FROM orders o`;

export async function selectOrdersOfUser(db: Sql, userId: number, limit: number) {
  const [rows] = await db.query<RowDataPacket[]>(
    `${ORDER_VIEW} WHERE o.user_id = ? ORDER BY o.created_at DESC, o.id DESC LIMIT ?`,
    [userId, limit],
  );
  return rows;
}

export async function selectOrderOfUser(db: Sql, orderId: string, userId: number) {
  const [rows] = await db.execute<RowDataPacket[]>(
    `${ORDER_VIEW} WHERE o.id = ? AND o.user_id = ?`,
    [orderId, userId],
  );
  return rows[0];
}

export async function lockOrderOfUser(tx: PoolConnection, orderId: string, userId: number) {
  const [rows] = await tx.execute<RowDataPacket[]>(
    `SELECT user_id, goods_id, price, round, status, expires_at <= NOW(3) AS due
     FROM orders WHERE id = ? AND user_id = ? FOR UPDATE`,
    [orderId, userId],
  );
  return rows[0];
}

/** Pays a pending order still before its deadline; affectedRows 0 when it is not. */
export async function markOrderPaid(tx: PoolConnection, orderId: string) {
  const [res] = await tx.execute<ResultSetHeader>(
    `UPDATE orders SET status = 'paid', paid_at = NOW(3)
     WHERE id = ? AND status = 'pending_payment' AND expires_at > NOW(3)`,
    [orderId],
  );
  return res;
}

export async function lockPendingOrders(
  tx: PoolConnection,
  orderIds: string[],
  goodsId: number,
  onlyDue: boolean,
) {
  const [rows] = await tx.query<RowDataPacket[]>(
    `SELECT id, user_id, round FROM orders
     WHERE id IN (?) AND goods_id = ? AND status = 'pending_payment'${onlyDue ? ' AND expires_at <= NOW(3)' : ''}
     FOR UPDATE`,
    [orderIds, goodsId],
  );
  return rows;
}

export async function markPendingReturned(
  tx: PoolConnection,
  status: 'cancelled' | 'expired',
  orderIds: string[],
) {
  const [res] = await tx.query<ResultSetHeader>(
    `UPDATE orders SET status = ?, cancelled_at = NOW(3) WHERE id IN (?) AND status = 'pending_payment'`,
    [status, orderIds],
  );
  return res;
}

export async function selectOverdueOrders(db: Sql, graceMs: number, limit: number) {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT id, goods_id FROM orders
     WHERE status = 'pending_payment' AND expires_at <= NOW(3) - INTERVAL ? MICROSECOND
     ORDER BY expires_at LIMIT ?`,
    [graceMs * 1000, limit],
  );
  return rows;
}

export async function selectReturnedAmong(db: Sql, orderIds: string[]) {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT id, user_id, goods_id, round, status FROM orders
     WHERE id IN (?) AND status IN ('cancelled', 'expired')`,
    [orderIds],
  );
  return rows;
}

/** The live (pending or paid) orders of a sale, locked: a stock reset ends them. */
export async function lockLiveOrdersOfSale(tx: PoolConnection, goodsId: number) {
  const [rows] = await tx.execute<RowDataPacket[]>(
    `SELECT id, user_id, price, status FROM orders
     WHERE goods_id = ? AND status IN ('pending_payment', 'paid') FOR UPDATE`,
    [goodsId],
  );
  return rows;
}

export async function cancelLiveOrdersOfSale(tx: PoolConnection, goodsId: number) {
  await tx.execute(
    `UPDATE orders SET status = 'cancelled', cancelled_at = NOW(3)
     WHERE goods_id = ? AND status IN ('pending_payment', 'paid')`,
    [goodsId],
  );
}

/** What a reset would undo now: pending orders to cancel, paid ones to refund. */
export async function selectLiveTotalsOfSale(db: Pool, goodsId: number) {
  const [rows] = await db.execute<RowDataPacket[]>(
    `SELECT SUM(status = 'pending_payment') AS pending, SUM(status = 'paid') AS paid,
       SUM(IF(status = 'paid', price, 0)) AS refund
     FROM orders WHERE goods_id = ? AND status IN ('pending_payment', 'paid')`,
    [goodsId],
  );
  return rows[0];
}

/** Orders of each sale's current round by sale and state, with their sum of prices. */
export async function selectRoundCounts(db: Pool) {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT o.goods_id, o.status, COUNT(*) AS n, SUM(o.price) AS cents
     FROM orders o JOIN goods g ON g.id = o.goods_id AND o.round = g.version
     GROUP BY o.goods_id, o.status`,
  );
  return rows;
}

/** The live orders of a sale's current round. */
export async function selectRoundBuyers(db: Pool, goodsId: number) {
  const [rows] = await db.execute<RowDataPacket[]>(
    `SELECT o.user_id, o.id FROM orders o JOIN goods g ON g.id = o.goods_id AND o.round = g.version
     WHERE o.goods_id = ? AND o.status IN ('pending_payment', 'paid')`,
    [goodsId],
  );
  return rows;
}

/** An order as the consumer writes it, from its message. */
export interface NewOrder {
  orderId: string;
  userId: number;
  goodsId: number;
  price: number;
  round: number;
  reservedAt: number;
}

/** What MySQL already has of these orders of a sale (replays), and their buyers' live ones. */
export async function selectKnownOrders(tx: PoolConnection, goodsId: number, orders: NewOrder[]) {
  const [rows] = await tx.query<RowDataPacket[]>(
    `SELECT id, user_id, status FROM orders
     WHERE goods_id = ? AND (id IN (?) OR (user_id IN (?) AND status IN ('pending_payment', 'paid')))`,
    [goodsId, orders.map((m) => m.orderId), [...new Set(orders.map((m) => m.userId))]],
  );
  return rows;
}

/** The sale as the order keeps it: its name and image when the order was written. */
export interface SaleSnapshot {
  name: string;
  imageUrl: string;
}

/**
 * The order writer's second round trip (its pool runs multiple statements per query): INSERTs
 * these orders with the sale's snapshot, takes their number off the sale's stock and commits.
 */
export async function insertOrdersAndCommit(
  tx: PoolConnection,
  goodsId: number,
  orders: NewOrder[],
  sale: SaleSnapshot,
  expiresAt: number,
): Promise<void> {
  const deadline = new Date(expiresAt);
  await tx.query(
    `INSERT INTO orders (id, user_id, goods_id, goods_name, goods_image, price, round, expires_at,
       created_at) VALUES ?;
     ${TAKE_STOCK_SQL};
     COMMIT`,
    [
      orders.map((m) => [
        m.orderId,
        m.userId,
        m.goodsId,
        sale.name,
        sale.imageUrl,
        m.price,
        m.round,
        deadline,
        new Date(m.reservedAt),
      ]),
      orders.length,
      goodsId,
      orders.length,
    ],
  );
}

/** Every order by state, for the consumer's gauge. */
export async function countOrdersByStatus(db: Pool) {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT status, COUNT(*) AS n FROM orders GROUP BY status',
  );
  return rows;
}

/** The books check's read of a sale's current round: orders by buyer and state. */
export async function selectRoundOrdersByBuyer(db: Sql, goodsId: number) {
  const [rows] = await db.execute<RowDataPacket[]>(
    `SELECT o.user_id, o.status, COUNT(*) AS n FROM orders o
     JOIN goods g ON g.id = o.goods_id AND o.round = g.version
     WHERE o.goods_id = ? GROUP BY o.user_id, o.status`,
    [goodsId],
  );
  return rows;
}

/**
 * The lab's order row (lab mode only), with its sale's snapshot, due in 15 minutes. Throws
 * ER_DUP_ENTRY for a second one.
 */
export async function labInsertOrder(
  db: Sql,
  o: { orderId: string; userId: number; goodsId: number; price: number; round: number },
): Promise<void> {
  await db.execute(
    `INSERT INTO orders (id, user_id, goods_id, goods_name, goods_image, price, round, expires_at)
     SELECT ?, ?, id, name, image_url, ?, ?, NOW(3) + INTERVAL 15 MINUTE FROM goods WHERE id = ?`,
    [o.orderId, o.userId, o.price, o.round, o.goodsId],
  );
}

// The bench's reads of what the consumer wrote.

/** A sale's orders and their commit times (MySQL's clock, ms): first, last, how many at the first. */
export async function selectCommitTimes(db: Pool, goodsId: number) {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS n,
            UNIX_TIMESTAMP(MIN(committed_at)) * 1000 AS first,
            UNIX_TIMESTAMP(MAX(committed_at)) * 1000 AS last,
            SUM(committed_at = (SELECT MIN(committed_at) FROM orders WHERE goods_id = ?)) AS at_first
     FROM orders WHERE goods_id = ?`,
    [goodsId, goodsId],
  );
  return rows[0];
}

/** A sale's orders, and how many of them are a buyer's second or later. */
export async function selectOrderBooks(db: Pool, goodsId: number) {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS orders, COUNT(*) - COUNT(DISTINCT user_id) AS duplicates
     FROM orders WHERE goods_id = ?`,
    [goodsId],
  );
  return rows[0];
}

/**
 * These sales' orders: how many, how many committed in [from, to], the last commit (MySQL's
 * clock, ms). `table`: `orders`, or the bench's durable baseline's table of the same columns.
 */
export async function selectCommitsInWindow(
  db: Pool,
  sales: number[],
  from: number,
  to: number,
  table = 'orders',
) {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS n,
            COALESCE(SUM(UNIX_TIMESTAMP(committed_at) * 1000 BETWEEN ? AND ?), 0) AS in_window,
            UNIX_TIMESTAMP(MAX(committed_at)) * 1000 AS last
     FROM ${table} WHERE goods_id IN (?)`,
    [from, to, sales],
  );
  return rows[0];
}
