import type { Order, OrderStatus } from '@seckill/contracts';
import { selectOrderOfUser, selectOrdersOfUser } from '@seckill/db';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : undefined);

function toOrder(r: RowDataPacket): Order {
  const order: Order = {
    id: String(r.id),
    goodsId: Number(r.goods_id),
    goodsName: String(r.goods_name),
    imageUrl: String(r.goods_image),
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
  return (await selectOrdersOfUser(db, userId, limit)).map(toOrder);
}

/** One of the shopper's orders; someone else's is null, as if it did not exist. */
export async function getOrder(
  db: Pool | PoolConnection,
  userId: number,
  orderId: string,
): Promise<Order | null> {
  const row = await selectOrderOfUser(db, orderId, userId);
  return row ? toOrder(row) : null;
}
