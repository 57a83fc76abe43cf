import type { Order, OrderStatus } from '@seckill/contracts';
import { splitDuration } from './countdown';

/**
 * Where an order stands at a moment of the server's clock. "overdue" is a pending order past its
 * deadline that the server has not expired yet: it can no longer be paid, and it is not paid.
 */
export type PaymentPhase = 'pending' | 'overdue' | 'paid' | 'cancelled' | 'expired';

export function paymentPhase(
  order: Pick<Order, 'status' | 'expiresAt'>,
  serverNow: number,
): PaymentPhase {
  switch (order.status) {
    case 'pending_payment':
      return serverNow < Date.parse(order.expiresAt) ? 'pending' : 'overdue';
    case 'paid':
      return 'paid';
    case 'cancelled':
      return 'cancelled';
    case 'expired':
      return 'expired';
  }
}

/** Milliseconds left to pay, 0 once the deadline has passed or the order is no longer pending. */
export function payTimeLeft(order: Pick<Order, 'status' | 'expiresAt'>, serverNow: number): number {
  if (order.status !== 'pending_payment') return 0;
  return Math.max(0, Date.parse(order.expiresAt) - serverNow);
}

/** "04:59", or "1:04:59" from an hour up; rounds up, so "00:00" means the time is up. */
export function formatTimeLeft(ms: number): string {
  const { days, hours, minutes, seconds } = splitDuration(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = days * 24 + hours;
  return h > 0 ? `${h}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}

/** Cancelled and expired orders gave their unit back: the shopper may buy the item again. */
export function isReleased(status: OrderStatus): boolean {
  return status === 'cancelled' || status === 'expired';
}

/** Answers to pay or cancel that mean the order changed meanwhile: read it again. */
export const ORDER_CONFLICTS = new Set(['ORDER_EXPIRED', 'ORDER_CANCELLED', 'ORDER_PAID']);
