import type { OrderPublisher } from '@seckill/queue';
import type { StockStore } from '@seckill/stock';
import type { Logger } from 'pino';
import { AppError } from '@seckill/contracts';
import type { SaleEvents } from './events.ts';
import type { OrderIds } from './order-ids.ts';
import type { SoldOutFlags } from './sold-out.ts';

/** What the hot path reports, in memory only (the metrics implement it). */
export interface OrderObserver {
  /** The reservation script answered with this outcome. */
  reserved(outcome: string): void;
  /** The broker confirmed the order's message this long after its publish. */
  confirmed(seconds: number): void;
}

export interface PlaceOrderDeps {
  stock: StockStore;
  publisher: OrderPublisher;
  orderIds: OrderIds;
  soldOut: SoldOutFlags;
  events: SaleEvents;
  log: Logger;
  metrics?: OrderObserver;
}

/**
 * The hot path of a flash sale: reserve a unit in Redis (one Lua call), then hand the order to
 * RabbitMQ and wait for the broker's confirm. Only a confirmed order is answered "queued"; if the
 * confirm does not come, the reservation is undone and the caller is told to retry.
 */
export async function placeOrder(
  deps: PlaceOrderDeps,
  userId: number,
  goodsId: number,
  path: string,
): Promise<void> {
  if (deps.soldOut.isSoldOut(goodsId)) throw new AppError('SOLD_OUT');
  // Without a channel the publish would fail: refuse before a unit moves.
  if (!deps.publisher.ready) throw new AppError('RETRY');

  const orderId = deps.orderIds.next();
  const r = await deps.stock.reserve(goodsId, userId, path, orderId);
  deps.metrics?.reserved(r.outcome);
  switch (r.outcome) {
    case 'OK':
      break;
    case 'SOLD_OUT':
      deps.soldOut.markSoldOut(goodsId);
      throw new AppError('SOLD_OUT');
    case 'NOT_WARMED':
      throw new AppError('RETRY', 'This sale is being prepared; please try again in a moment.');
    default:
      throw new AppError(r.outcome);
  }

  const publishedAt = performance.now();
  try {
    await deps.publisher.publish({
      v: 1,
      orderId,
      userId,
      goodsId,
      price: r.price,
      round: r.round,
      reservedAt: Date.now(),
    });
    deps.metrics?.confirmed((performance.now() - publishedAt) / 1000);
  } catch (err) {
    deps.log.warn(
      { err, goodsId, userId, orderId },
      'order not confirmed; undoing the reservation',
    );
    const undone = await deps.stock
      .release(goodsId, userId, orderId, { force: false, result: '', returnUnit: true })
      .catch((e: unknown) => {
        deps.log.error({ err: e, goodsId, userId, orderId }, 'undo failed; left to reconciliation');
        return 'failed' as const;
      });
    // The consumer already holds it: the broker did take the message after all.
    if (undone === 'claimed') return;
    if (undone === 'released') {
      deps.soldOut.clear(goodsId);
      void deps.events.announce({ type: 'stock_returned', goodsId }).catch(() => {});
    }
    throw new AppError('RETRY');
  }
}
