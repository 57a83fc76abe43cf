import { z } from 'zod';

/** What the API publishes to RabbitMQ once stock is reserved in Redis; the consumer turns it into a row. */
export const OrderMessage = z.strictObject({
  v: z.literal(1),
  /** The reservation id: also the order number shown to the shopper. */
  orderId: z.string().regex(/^\d{1,20}$/),
  userId: z.number().int().positive(),
  goodsId: z.number().int().positive(),
  price: z.number().int().nonnegative(),
  /** The sale's stock round (goods.version): a reset starts a new one and voids older messages. */
  round: z.number().int().nonnegative(),
  reservedAt: z.number().int().positive(),
});
export type OrderMessage = z.infer<typeof OrderMessage>;

/**
 * Group commit: the orders that arrived while the previous publish waited for its confirm travel
 * as one persistent message with one confirm. Each order is judged on its own by the consumer.
 */
export const OrderBatchMessage = z.strictObject({
  v: z.literal(2),
  orders: z.array(z.unknown()).min(1).max(1000),
});
export type OrderBatchMessage = { v: 2; orders: OrderMessage[] };

/**
 * Scheduled by the consumer once orders are written: it waits in a delay queue until their payment
 * deadline, then dead-letters into the expiry queue, whose consumer expires those still pending.
 */
export const ExpiryMessage = z.strictObject({
  v: z.literal(1),
  goodsId: z.number().int().positive(),
  orderIds: z
    .array(z.string().regex(/^\d{1,20}$/))
    .min(1)
    .max(1000),
  /** The deadline the orders share (they were written in one transaction), in ms. */
  expiresAt: z.number().int().positive(),
});
export type ExpiryMessage = z.infer<typeof ExpiryMessage>;

/**
 * What one process tells the API instances about a sale, on Redis pub/sub: its details changed
 * (drop cached copies), or units went back on sale (drop the sold-out flag).
 */
export interface SaleEvent {
  type: 'changed' | 'stock_returned';
  goodsId: number;
}

/** The sale event as it travels. */
export function saleEventMessage(e: SaleEvent): string {
  return JSON.stringify(e);
}

/** A sale event read off the channel; null when it is not one. */
export function readSaleEvent(raw: string): SaleEvent | null {
  try {
    const e = JSON.parse(raw) as SaleEvent;
    return typeof e.goodsId === 'number' ? e : null;
  } catch {
    return null;
  }
}
