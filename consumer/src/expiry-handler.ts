import type { Logger } from 'pino';
import type { Delivery } from './channels.ts';
import { backoffMs } from './errors.ts';
import type { Expirer } from './expirer.ts';
import { readDeadline } from './messages.ts';
import type { Requeue } from './requeue.ts';
import type { Settlement } from './settlement.ts';

export interface ExpiryHandlerOptions {
  expirer: Pick<Expirer, 'expire'>;
  settlement: Pick<Settlement, 'ack'>;
  requeue: Pick<Requeue, 'later'>;
  log: Logger;
}

/**
 * The expiry channel's handler: a payment deadline came due, so those of its orders still unpaid
 * are expired (expirer.ts) and the message is acked. One that fails goes back to the queue after a
 * pause, since unacked it would hold a prefetch slot for good; the sweeper expires the orders
 * meanwhile if it keeps failing. A message that is no deadline is dropped. Stopping waits for the
 * deadlines in work (`idle`).
 */
export class ExpiryHandler {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly o: ExpiryHandlerOptions) {}

  receive(d: Delivery): void {
    const m = readDeadline(d.msg.content);
    if (!m) {
      this.o.log.warn('malformed expiry message dropped');
      this.o.settlement.ack(d);
      return;
    }
    const work: Promise<void> = this.expire(d, m.goodsId, m.orderIds).finally(() =>
      this.inFlight.delete(work),
    );
    this.inFlight.add(work);
  }

  /** Resolves once no deadline message is in work. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async expire(d: Delivery, goodsId: number, orderIds: string[]) {
    try {
      await this.o.expirer.expire(goodsId, orderIds);
      this.o.settlement.ack(d);
    } catch (err) {
      this.o.log.error({ err }, 'expiry failed; requeueing it');
      await this.o.requeue.later(backoffMs(3), [d]);
    }
  }
}
