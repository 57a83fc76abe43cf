import type { Logger } from 'pino';
import type { Delivery } from './channels.ts';
import type { ConsumerCounters } from './counters.ts';
import { backoffMs } from './errors.ts';
import type { OrderInWork, Settlement } from './settlement.ts';

export interface RequeueOptions {
  settlement: Pick<Settlement, 'requeue'>;
  counters: ConsumerCounters;
  log: Logger;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The way back to the queue for work that failed. Unacked on a live channel, its messages would
 * hold their prefetch slots and never come back; so after a pause each is nacked with requeue (a
 * no-op for those already answered, settlement.ts) and the broker delivers it again, to be judged
 * again — the writer recognises the orders it already wrote. A failed batch and a failed settling
 * share one count of failures, and the pause grows with it.
 */
export class Requeue {
  constructor(private readonly o: RequeueOptions) {}

  /** A batch, or the settling of a committed group, failed: its messages go back after a pause. */
  async failed(what: 'batch' | 'settling', orders: OrderInWork[], err: unknown): Promise<void> {
    this.o.counters.failedBatches += 1;
    this.o.log.error({ err, orders: orders.length }, `${what} failed; requeueing its messages`);
    const pause = backoffMs(Math.min(this.o.counters.failedBatches, 5));
    await this.later(
      pause,
      orders.map((p) => p.d),
    );
  }

  /** Hands these deliveries back to the queue after `ms`. */
  async later(ms: number, deliveries: Delivery[]): Promise<void> {
    await sleep(ms);
    for (const d of new Set(deliveries)) this.o.settlement.requeue(d);
  }
}
