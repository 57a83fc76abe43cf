import { ExpiryMessage, OrderBatchMessage, OrderMessage } from '@seckill/contracts';

/** What an order message's body holds. */
export type ReadOrders =
  /** v1: one order. */
  | { kind: 'single'; order: OrderMessage }
  /** v2: a group; `poisoned` are its entries that are no order (each dead-lettered by itself). */
  | { kind: 'group'; orders: OrderMessage[]; poisoned: unknown[] }
  /** Neither: the message is dead-lettered whole. */
  | { kind: 'malformed' };

/**
 * Reading the consumer's two kinds of message from their bytes, against the shapes declared in
 * `@seckill/contracts`: an order message (one order, or a group whose bad entries are told apart
 * from the good ones so that one poisoned order does not sink the others) and a payment deadline
 * message. Pure functions: what to do with a bad message is the caller's business.
 */
export function readOrders(content: Buffer): ReadOrders {
  const body = safeJson(content);
  const single = OrderMessage.safeParse(body);
  if (single.success) return { kind: 'single', order: single.data };
  const group = OrderBatchMessage.safeParse(body);
  if (!group.success) return { kind: 'malformed' };
  const orders: OrderMessage[] = [];
  const poisoned: unknown[] = [];
  for (const raw of group.data.orders) {
    const o = OrderMessage.safeParse(raw);
    if (o.success) orders.push(o.data);
    else poisoned.push(raw);
  }
  return { kind: 'group', orders, poisoned };
}

/** A payment deadline message, or null if the bytes are not one. */
export function readDeadline(content: Buffer): ExpiryMessage | null {
  const parsed = ExpiryMessage.safeParse(safeJson(content));
  return parsed.success ? parsed.data : null;
}

function safeJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
