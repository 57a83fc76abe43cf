import type { ExpiryMessage, OrderMessage } from '@seckill/contracts';
import type { OrderPublisher } from '@seckill/queue';
import type { StockStore, UserEvent } from '@seckill/stock';
import type { Logger } from 'pino';
import { countOutcome, type ConsumerCounters } from './counters.ts';
import { DeadlineGatherer } from './deadlines.ts';
import type { Requeue } from './requeue.ts';
import type { Retrying } from './retrying.ts';
import type { OrderInWork, Settlement } from './settlement.ts';
import type { WriteOutcome, WriteResult } from './writer.ts';

export interface SettlingOptions {
  stock: Pick<StockStore, 'settleMany' | 'release'>;
  /** Sends the payment deadline messages to the delay queue. */
  scheduler: Pick<OrderPublisher, 'scheduleExpiry'>;
  retry: Retrying;
  settlement: Pick<Settlement, 'done'>;
  requeue: Pick<Requeue, 'failed'>;
  counters: ConsumerCounters;
  log: Logger;
  onUserEvents: (events: UserEvent[]) => void;
  /** Deadlines of the transactions committed within this many ms share one message (0: one each). */
  deadlineGatherMs: number;
}

/**
 * Settling a committed group: its orders are in MySQL, and before their messages are acked two
 * things must be out — the outcomes in Redis (one script call for the sale's written orders, each
 * sold-out one released) and the payment deadline message of the orders created (gathered with
 * other transactions', deadlines.ts). Then the shoppers are told. The lane that wrote the group goes
 * on to its next transaction meanwhile; a settling that fails takes the requeue path, and the
 * writer recognises those orders when they come back.
 */
export class Settling {
  /** Committed groups whose outcomes and deadline message are on their way (then acked). */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly deadlines: DeadlineGatherer;

  constructor(private readonly o: SettlingOptions) {
    this.deadlines = new DeadlineGatherer((m) => this.sendDeadline(m), o.deadlineGatherMs);
  }

  /** A sale's group was committed with these outcomes; `created` are the orders it wrote. */
  committed(goodsId: number, group: OrderInWork[], result: WriteResult, created: string[]): void {
    // The deadline message and the outcomes in Redis go out together (one script call for the
    // committed orders of the sale); every message is acked after both.
    const events: UserEvent[] = [];
    const settled: Array<{ userId: number; orderId: string; reservedOrderId: string }> = [];
    const soldOut: OrderInWork[] = [];
    for (const p of group) {
      const outcome = result.outcomes.get(p.order.orderId);
      if (!outcome) continue;
      countOutcome(this.o.counters, outcome.kind);
      if (outcome.kind === 'created' || outcome.kind === 'existing') {
        settled.push({
          userId: p.order.userId,
          orderId: outcome.orderId,
          reservedOrderId: p.order.orderId,
        });
      } else if (outcome.kind === 'sold_out') soldOut.push(p);
      const event = resultEvent(p.order, outcome);
      if (event) events.push(event);
    }
    this.track(
      group,
      Promise.all([
        created.length > 0 ? this.deadlines.add(goodsId, created, result.expiresAt) : undefined,
        settled.length > 0
          ? this.o.retry('settle', () => this.o.stock.settleMany(goodsId, settled))
          : undefined,
        ...soldOut.map((p) => this.releaseSoldOut(p)),
      ]).then(() => {
        for (const p of group) this.o.settlement.done(p.d);
        this.o.onUserEvents(events);
      }),
    );
  }

  /** Sends the gathered deadline messages now instead of at the end of their window (draining). */
  flushDeadlines(): void {
    this.deadlines.flushAll();
  }

  /** Resolves when the settlings in flight now are over (acked, or on their way back). */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  get idle(): boolean {
    return this.inFlight.size === 0;
  }

  private track(group: OrderInWork[], work: Promise<void>) {
    const tracked: Promise<void> = work
      .catch((err: unknown) => this.o.requeue.failed('settling', group, err))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** One deadline message; lost, the sweeper stands in. */
  private async sendDeadline(m: ExpiryMessage) {
    try {
      await this.o.scheduler.scheduleExpiry(m, m.expiresAt - Date.now());
    } catch (err) {
      this.o.counters.unscheduled += m.orderIds.length;
      this.o.log.warn(
        { err: (err as Error).message, goodsId: m.goodsId, orders: m.orderIds.length },
        'payment deadline not scheduled; the sweeper will expire these orders',
      );
    }
  }

  /** MySQL had no unit left for it: the reservation ends as sold out, its unit already gone. */
  private async releaseSoldOut(p: OrderInWork) {
    const { goodsId, userId, orderId } = p.order;
    await this.o.retry('settle', () =>
      this.o.stock.release(goodsId, userId, orderId, {
        force: true,
        result: 'sold_out',
        returnUnit: false,
      }),
    );
  }
}

/** What the shopper is told once their order message is settled. */
export function resultEvent(order: OrderMessage, outcome: WriteOutcome): UserEvent | null {
  const { userId, goodsId } = order;
  if (outcome.kind === 'created' || outcome.kind === 'existing')
    return {
      userId,
      event: { type: 'result', goodsId, status: 'success', orderId: outcome.orderId },
    };
  if (outcome.kind === 'sold_out')
    return { userId, event: { type: 'result', goodsId, status: 'sold_out' } };
  return null;
}
