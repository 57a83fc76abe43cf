import type { Order, OrderStatus } from '@seckill/contracts';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';

const SELECT = `SELECT o.id, o.goods_id, o.price, o.status, o.created_at, o.expires_at, o.paid_at,
  o.cancelled_at, g.name, g.image_url FROM orders o JOIN goods g ON g.id = o.goods_id`;

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : undefined);

function toOrder(r: RowDataPacket): Order {
  const order: Order = {
    id: String(r.id),
    goodsId: Number(r.goods_id),
    goodsName: String(r.name),
    imageUrl: String(r.image_url),
    price: Number(r.price),
    status: r.status as OrderStatus,
    createdAt: (r.created_at as Date).toISOString(),
    expiresAt: (r.expires_at as Date).toISOString(),
  };
  const paidAt = iso(r.paid_at);
  const cancelledAt = iso(r.cancelled_at);
  if (paidAt) order.paidAt = paidAt;
  if (cancelledAt) order.cancelledAt = cancelledAt;
  return order;
}

/** A shopper's orders, newest first. */
export async function listOrders(db: Pool, userId: number, limit = 200): Promise<Order[]> {
  const [rows] = await db.query<RowDataPacket[]>(
    `${SELECT} WHERE o.user_id = ? ORDER BY o.created_at DESC, o.id DESC LIMIT ?`,
    [userId, limit],
  );
  return rows.map(toOrder);
}

/** One of the shopper's orders; someone else's is null, as if it did not exist. */
export async function getOrder(
  db: Pool | PoolConnection,
  userId: number,
  orderId: string,
): Promise<Order | null> {
  const [rows] = await db.execute<RowDataPacket[]>(`${SELECT} WHERE o.id = ? AND o.user_id = ?`, [
    orderId,
    userId,
  ]);
  return rows[0] ? toOrder(rows[0]) : null;
}
