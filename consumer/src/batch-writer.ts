import type { OrderMessage } from '@seckill/contracts';
import type { StockStore, UserEvent } from '@seckill/stock';
import type { Logger } from 'pino';
import { claimBySale } from './claims.ts';
import type { ConsumerCounters } from './counters.ts';
import type { BatchObserver } from './metrics.ts';
import type { Retrying } from './retrying.ts';
import type { OrderInWork, Settlement } from './settlement.ts';
import type { Settling } from './settling.ts';
import type { WriteResult } from './writer.ts';

export interface BatchWriterOptions {
  stock: Pick<StockStore, 'claimMany' | 'release'>;
  /** Writes one sale's orders in one transaction (writer.ts). */
  write: (goodsId: number, orders: OrderMessage[]) => Promise<WriteResult>;
  retry: Retrying;
  settlement: Pick<Settlement, 'done' | 'deadLetterOrder'>;
  settling: Pick<Settling, 'committed'>;
  counters: ConsumerCounters;
  log: Logger;
  metrics?: BatchObserver;
  onStockReturned: (goodsId: number) => void;
  onUserEvents: (events: UserEvent[]) => void;
}

/**
 * A batch's way into MySQL: claimed per sale (claims.ts), then each sale's orders written in one
 * transaction and handed to settling. One bad order must not sink the others, so a group that
 * cannot be written is written again one order at a time; an order that cannot be written alone
 * gives its unit back to the sale, is dead-lettered, and its shopper is told it failed. Anything
 * else it throws fails the whole batch (the batch loop requeues it).
 */
export class BatchWriter {
  constructor(private readonly o: BatchWriterOptions) {}

  async write(batch: OrderInWork[]): Promise<void> {
    this.o.counters.batches += 1;
    this.o.metrics?.batch(batch.length);
    const claimed = await claimBySale(this.o.stock, this.o.retry, batch, (p) => this.drop(p));
    for (const [goodsId, group] of claimed) if (group.length) await this.writeGroup(goodsId, group);
  }

  /** A reservation that was undone: nothing to write. */
  private drop(p: OrderInWork) {
    this.o.counters.dropped += 1;
    this.o.settlement.done(p.d);
  }

  private async writeGroup(goodsId: number, group: OrderInWork[]): Promise<void> {
    let result: WriteResult;
    const writeStarted = performance.now();
    try {
      result = await this.o.retry('write', () =>
        this.o.write(
          goodsId,
          group.map((p) => p.order),
        ),
      );
    } catch (err) {
      if (group.length > 1) {
        // One bad message must not sink the others: write them one by one.
        for (const p of group) await this.writeGroup(goodsId, [p]);
        return;
      }
      const [p] = group;
      if (p) await this.fail(p, err);
      return;
    }
    const created = group
      .map((p) => result.outcomes.get(p.order.orderId))
      .flatMap((o) => (o?.kind === 'created' ? [o.orderId] : []));
    this.o.metrics?.committed(created.length, (performance.now() - writeStarted) / 1000);
    // The lane goes on to its next transaction meanwhile: these orders are in MySQL now.
    this.o.settling.committed(goodsId, group, result, created);
  }

  /** An order that can never be written: dead-letter it and give the unit back. */
  private async fail(p: OrderInWork, err: unknown) {
    const { goodsId, userId, orderId } = p.order;
    this.o.log.error({ err, goodsId, userId, orderId }, 'order cannot be written; dead-lettered');
    const released = await this.o.retry('release', () =>
      this.o.stock.release(goodsId, userId, orderId, {
        force: true,
        result: 'failed',
        returnUnit: true,
      }),
    );
    if (released === 'released') this.o.onStockReturned(goodsId);
    await this.o.settlement.deadLetterOrder(p, 'write failed');
    this.o.onUserEvents([{ userId, event: { type: 'result', goodsId, status: 'failed' } }]);
  }
}
