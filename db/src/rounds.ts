import type { PoolConnection } from 'mysql2/promise';
import { cancelLiveOrdersOfSale, lockLiveOrdersOfSale } from './tables/orders.ts';
import { postEntries } from './tables/wallet.ts';

/** A refund the sale owes: the buyer of a paid order of a round a reset closed. */
export interface Refund {
  userId: number;
  orderId: string;
  amount: number;
}

/**
 * Ends a sale's stock round (the caller holds the goods row lock): its live orders are cancelled,
 * and the paid ones are handed to `refund`, all in the caller's transaction.
 */
export async function closeRound(
  tx: PoolConnection,
  goodsId: number,
  refund: (tx: PoolConnection, refunds: Refund[]) => Promise<void>,
): Promise<{ cancelled: number; refunded: number; refundCents: number }> {
  const live = await lockLiveOrdersOfSale(tx, goodsId);
  if (live.length === 0) return { cancelled: 0, refunded: 0, refundCents: 0 };
  await cancelLiveOrdersOfSale(tx, goodsId);
  const refunds: Refund[] = live
    .filter((r) => r.status === 'paid')
    .map((r) => ({ userId: Number(r.user_id), orderId: String(r.id), amount: Number(r.price) }));
  await refund(tx, refunds);
  return {
    cancelled: live.length,
    refunded: refunds.length,
    refundCents: refunds.reduce((sum, r) => sum + r.amount, 0),
  };
}

/** The wallet's own refunds: the price goes back to the buyer's balance, one entry per order. */
export async function refundToWallet(tx: PoolConnection, refunds: Refund[]): Promise<void> {
  await postEntries(
    tx,
    refunds.map((r) => ({
      userId: r.userId,
      orderId: r.orderId,
      amount: r.amount,
      kind: 'refund' as const,
      note: 'stock reset',
    })),
  );
}
