import type { OrderMessage } from '@seckill/contracts';
import type { OrderPublisher } from '@seckill/queue';
import type { ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { BulkAcks } from './acks.ts';
import type { Delivery } from './channels.ts';
import type { ConsumerCounters } from './counters.ts';
import { readOrders } from './messages.ts';

/** One order of a message, in work until it is settled. */
export interface OrderInWork {
  order: OrderMessage;
  d: Delivery;
}

export interface SettlementOptions {
  acks: Pick<BulkAcks, 'ack' | 'nacked'>;
  /** Puts one order of a group on the dead-letter queue by itself (confirmed). */
  scheduler: Pick<OrderPublisher, 'deadLetter'>;
  log: Logger;
  counters: ConsumerCounters;
}

/**
 * Answers the broker once for each message: acked when the last of its orders is done, requeued,
 * or dead-lettered — whichever comes first; the others are then no-ops, so a batch that fails after
 * some of its messages were acked hands back only the rest. A message carries one order (v1) or a
 * group (v2); in a group, an order that is poisoned or cannot be written leaves by itself for the
 * dead-letter queue and counts as done, while the others go on.
 */
export class Settlement {
  /** Orders of a message not yet done: it is acked when the last one is. */
  private readonly left = new WeakMap<ConsumeMessage, number>();
  /** Messages that carry a group of orders (v2). */
  private readonly groups = new WeakSet<ConsumeMessage>();
  /** Messages already acked or rejected: a failed batch requeues only the others. */
  private readonly settled = new WeakSet<ConsumeMessage>();

  constructor(private readonly o: SettlementOptions) {}

  /** The orders of a delivered message; one that is not an order message is dead-lettered whole. */
  orders(d: Delivery): OrderInWork[] {
    const read = readOrders(d.msg.content);
    if (read.kind === 'single') {
      this.left.set(d.msg, 1);
      return [{ order: read.order, d }];
    }
    if (read.kind === 'malformed') {
      this.deadLetter(d, 'malformed message');
      return [];
    }
    this.left.set(d.msg, read.orders.length + read.poisoned.length);
    this.groups.add(d.msg);
    for (const raw of read.poisoned) void this.deadLetterOne(d, raw, 'malformed order');
    return read.orders.map((order) => ({ order, d }));
  }

  /** One order of the message is settled; the last one acks it. */
  done(d: Delivery): void {
    const left = (this.left.get(d.msg) ?? 1) - 1;
    this.left.set(d.msg, left);
    if (left <= 0) this.ack(d);
  }

  ack(d: Delivery): void {
    // Requeued after a failed batch: the broker has it again, an ack now would be an error.
    if (this.settled.has(d.msg)) return;
    this.settled.add(d.msg);
    this.o.acks.ack(d.ch, d.msg);
  }

  /** Back to the queue, to be delivered and judged again. */
  requeue(d: Delivery): void {
    if (this.settled.has(d.msg)) return;
    this.settled.add(d.msg);
    this.o.acks.nacked(d.ch, d.msg);
    try {
      d.ch.nack(d.msg, false, true);
    } catch {
      // The channel is gone: the broker redelivers anyway.
    }
  }

  /** An order that can never be written: alone in its message, the message goes; in a group, only this order does. */
  async deadLetterOrder(p: OrderInWork, reason: string): Promise<void> {
    if ((this.left.get(p.d.msg) ?? 1) <= 1 && !this.groups.has(p.d.msg))
      this.deadLetter(p.d, reason);
    else await this.deadLetterOne(p.d, p.order, reason);
  }

  private deadLetter(d: Delivery, reason: string) {
    if (this.settled.has(d.msg)) return;
    this.o.counters.dead += 1;
    this.settled.add(d.msg);
    this.o.log.warn({ reason, messageId: d.msg.properties.messageId }, 'dead-lettering');
    this.o.acks.nacked(d.ch, d.msg);
    try {
      d.ch.nack(d.msg, false, false);
    } catch {
      // The channel is gone: it comes back and is judged again.
    }
  }

  /** Puts one order of a group on the dead-letter queue by itself, then counts it done. */
  private async deadLetterOne(d: Delivery, order: unknown, reason: string) {
    this.o.counters.dead += 1;
    this.o.log.warn({ reason }, 'dead-lettering one order of a group');
    try {
      await this.o.scheduler.deadLetter(Buffer.from(JSON.stringify(order)), reason);
      this.done(d);
    } catch {
      // Not confirmed: the message goes back to the queue and is judged again.
      this.requeue(d);
    }
  }
}
