import { expireOrders, overdueOrders, returnedAmong, returnToSale } from '@seckill/orders';
import type { StockStore, UserEvent } from '@seckill/stock';
import type { Pool } from 'mysql2/promise';
import type { Logger } from 'pino';
import type { Retrying } from './retrying.ts';

export interface ExpirerOptions {
  db: Pool;
  stock: StockStore;
  log: Logger;
  /** The consumer's retry policy (retrying.ts). */
  retrying: Retrying;
  onStockReturned: (goodsId: number) => void;
  onUserEvents: (events: UserEvent[]) => void;
  sweepGraceMs: number;
}

/**
 * Ends unpaid orders at their deadline and puts their units back on sale: first in MySQL (one
 * conditional transaction per sale), then in Redis. Both steps are safe to repeat, so a message
 * redelivered after a crash, the sweeper and the expiry consumer can all meet the same order.
 */
export class Expirer {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> = Promise.resolve();
  readonly counters = { expired: 0, swept: 0, sweeps: 0 };

  constructor(private readonly o: ExpirerOptions) {}

  /** Expires those of `orderIds` (one sale) still pending past their deadline; returns how many. */
  async expire(goodsId: number, orderIds: string[]): Promise<number> {
    const expired = await this.o.retrying('expire', () =>
      expireOrders(this.o.db, goodsId, orderIds),
    );
    this.counters.expired += expired.length;
    // Every order of the message that MySQL has returned, not only those expired just now: a
    // crash after an earlier commit left their Redis step undone, and it is idempotent.
    const returned = await this.o.retrying('returned', () => returnedAmong(this.o.db, orderIds));
    const changed = await this.o.retrying('return units', () =>
      returnToSale(this.o.stock, returned),
    );
    for (const id of changed) this.o.onStockReturned(id);
    this.o.onUserEvents(
      expired.map((r) => ({
        userId: r.userId,
        event: { type: 'order', orderId: r.orderId, goodsId: r.goodsId, status: 'expired' },
      })),
    );
    return expired.length;
  }

  /** Expires overdue orders whose deadline message was lost (broker restart, a crash). */
  async sweep(limit = 1000): Promise<number> {
    this.counters.sweeps += 1;
    const bySale = await overdueOrders(this.o.db, this.o.sweepGraceMs, limit);
    let n = 0;
    for (const [goodsId, ids] of bySale) n += await this.expire(goodsId, ids);
    this.counters.swept += n;
    if (n > 0) this.o.log.info({ expired: n }, 'sweeper expired overdue orders');
    return n;
  }

  startSweeper(intervalMs: number) {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.sweeping = this.sweeping
        .then(() => this.sweep())
        .catch((err: unknown) => this.o.log.warn({ err }, 'sweep failed'));
    }, intervalMs);
    this.timer.unref();
  }

  async stopSweeper() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping;
  }
}
