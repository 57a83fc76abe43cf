import amqp, { type Channel } from 'amqplib';
import type { QueueNames } from './names.ts';

/**
 * Declares the order queue and its dead-letter queue. Both sides declare it, so an order published
 * before any consumer starts is still routed and kept. Quorum queues replicate across a cluster
 * and survive a broker restart; a message the consumer rejects goes to the dead-letter queue.
 */
export async function assertTopology(ch: Channel, names: QueueNames) {
  await ch.assertExchange(names.deadExchange, 'direct', { durable: true });
  await ch.assertQueue(names.dead, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await ch.bindQueue(names.dead, names.deadExchange, names.dead);
  await ch.assertQueue(names.orders, {
    durable: true,
    arguments: {
      'x-queue-type': names.type,
      'x-dead-letter-exchange': names.deadExchange,
      'x-dead-letter-routing-key': names.dead,
    },
  });
  // Timers without a plugin: a message waits in the delay queue until its TTL (the deadline), then
  // the broker dead-letters it into the expiry queue. At-least-once dead-lettering keeps it until
  // the expiry queue has it (it needs reject-publish overflow); the sweeper covers the rest.
  await ch.assertExchange(names.expiryExchange, 'direct', { durable: true });
  await ch.assertQueue(names.expiry, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await ch.bindQueue(names.expiry, names.expiryExchange, names.expiry);
  await ch.assertQueue(names.expiryDelay, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': names.expiryExchange,
      'x-dead-letter-routing-key': names.expiry,
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    },
  });
}

export interface QueueDepth {
  ready: number;
  deadLetters: number;
  consumers: number;
  /** Payment deadlines waiting, and expiries due but not yet handled. */
  expiryScheduled?: number;
  expiryDue?: number;
}

export async function queueDepth(ch: Channel, names: QueueNames): Promise<QueueDepth> {
  const [orders, dead, delay, due] = await Promise.all([
    ch.checkQueue(names.orders),
    ch.checkQueue(names.dead),
    ch.checkQueue(names.expiryDelay),
    ch.checkQueue(names.expiry),
  ]);
  return {
    ready: orders.messageCount,
    deadLetters: dead.messageCount,
    consumers: orders.consumerCount,
    expiryScheduled: delay.messageCount,
    expiryDue: due.messageCount,
  };
}

/** Removes a deployment's queues and dead-letter exchange (test runs and benches clean up). */
export async function deleteTopology(url: string, names: QueueNames): Promise<void> {
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createChannel();
    await ch.deleteQueue(names.orders);
    await ch.deleteQueue(names.dead);
    await ch.deleteExchange(names.deadExchange);
    await ch.deleteQueue(names.expiryDelay);
    await ch.deleteQueue(names.expiry);
    await ch.deleteExchange(names.expiryExchange);
  } finally {
    await conn.close();
  }
}
