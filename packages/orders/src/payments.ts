import { InsufficientFunds, postEntries, refundToWallet, type Refund } from '@seckill/db';
import type { PoolConnection } from 'mysql2/promise';

export interface Charge {
  userId: number;
  orderId: string;
  /** In integer cents. */
  amount: number;
}

/**
 * How an order is paid. `charge` runs inside the transaction that marks the order paid, so a
 * charge that fails, or a transition that loses its race, leaves no money moved. A gateway
 * (Alipay, Stripe) would record its payment intent here and settle on its callback.
 */
export interface PaymentProvider {
  readonly name: string;
  /** Takes the money once per order; 'insufficient_funds' leaves everything as it was. */
  charge(tx: PoolConnection, c: Charge): Promise<'charged' | 'insufficient_funds'>;
  /** Gives paid orders' money back (a stock reset). */
  refund(tx: PoolConnection, refunds: Refund[]): Promise<void>;
}

/** The shop's own wallet: a balance per user and an append-only ledger, in MySQL. */
export class WalletPayments implements PaymentProvider {
  readonly name = 'wallet';

  async charge(tx: PoolConnection, c: Charge): Promise<'charged' | 'insufficient_funds'> {
    try {
      await postEntries(tx, [
        { userId: c.userId, orderId: c.orderId, amount: -c.amount, kind: 'debit' },
      ]);
      return 'charged';
    } catch (err) {
      if (err instanceof InsufficientFunds) return 'insufficient_funds';
      throw err;
    }
  }

  refund(tx: PoolConnection, refunds: Refund[]): Promise<void> {
    return refundToWallet(tx, refunds);
  }
}
