import { AppError, type Order } from '@seckill/contracts';
import {
  cancelOrder,
  payOrder,
  returnToSale,
  type PaymentProvider,
  type ReturnedOrder,
} from '@seckill/orders';
import type { StockStore, UserEvent } from '@seckill/stock';
import type { Logger } from 'pino';
import type { Pool } from 'mysql2/promise';
import type { SaleEvents } from './events.ts';
import type { SoldOutFlags } from './sold-out.ts';

export interface LifecycleDeps {
  db: Pool;
  stock: StockStore;
  payments: PaymentProvider;
  events: SaleEvents;
  soldOut: SoldOutFlags;
  log: Logger;
  pushUserEvents(events: UserEvent[]): Promise<void>;
}

const orderEvent = (userId: number, o: Pick<Order, 'id' | 'goodsId' | 'status'>): UserEvent => ({
  userId,
  event: { type: 'order', orderId: o.id, goodsId: o.goodsId, status: o.status },
});

/** Pays an order and tells the shopper's other tabs and devices. */
export async function payForOrder(d: LifecycleDeps, userId: number, orderId: string) {
  const order = await payOrder(d.db, d.payments, userId, orderId);
  void d.pushUserEvents([orderEvent(userId, order)]).catch(() => {});
  return order;
}

/**
 * After MySQL committed a return: Redis gets the unit back, every instance drops its sold-out
 * flag, and the shopper is told. If this step fails the reconciler finishes it from MySQL.
 */
export async function afterReturn(d: LifecycleDeps, returned: ReturnedOrder[]) {
  if (returned.length === 0) return;
  try {
    for (const goodsId of await returnToSale(d.stock, returned)) {
      d.soldOut.clear(goodsId);
      await d.events.announce({ type: 'stock_returned', goodsId });
    }
  } catch (err) {
    d.log.warn({ err }, 'units returned in MySQL, not yet in Redis; left to the reconciler');
  }
  void d
    .pushUserEvents(
      returned.map((r) =>
        orderEvent(r.userId, { id: r.orderId, goodsId: r.goodsId, status: r.status }),
      ),
    )
    .catch(() => {});
}

/** Cancels an order and puts its unit back on sale; one found past its deadline is expired. */
export async function cancelAndReturn(d: LifecycleDeps, userId: number, orderId: string) {
  const { order, returned } = await cancelOrder(d.db, userId, orderId);
  await afterReturn(d, returned);
  if (order.status === 'expired') throw new AppError('ORDER_EXPIRED');
  return order;
}
