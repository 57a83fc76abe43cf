import { assertTopology, closeWithin, connectRecovering, type QueueNames } from '@seckill/queue';
import type { Channel, ChannelModel, ConsumeMessage, RecoveringChannelModel } from 'amqplib';
import type { Logger } from 'pino';
import type { BulkAcks } from './acks.ts';

/** A message as delivered, with the channel that must answer for it. */
export interface Delivery {
  msg: ConsumeMessage;
  ch: Channel;
}

export interface ChannelOptions {
  amqpUrl: string;
  names: QueueNames;
  log: Logger;
  /** Order messages taken from the broker before any is acked. */
  prefetch: number;
  /** Deadline messages taken at once (default 20). */
  expiryPrefetch?: number;
  /** Told of every delivery, in order, before it is handed on. */
  acks: Pick<BulkAcks, 'delivered' | 'closed'>;
  onOrder: (d: Delivery) => void;
  onExpiry: (d: Delivery) => void;
  /** True once the consumer is stopping: a reconnect then starts no consumer. */
  stopping: () => boolean;
}

/**
 * The consumer's channels: one connection that comes back by itself, and on every (re)connect an
 * order channel (topology asserted, `prefetch` set) and an expiry channel, each consuming its
 * queue. Stopping takes two steps because the work between them must be acked on these same
 * channels: `cancel()` ends the deliveries, then, once that work is done, `close()` closes the
 * channels and the connection.
 */
export class ConsumerChannels {
  private model: RecoveringChannelModel | null = null;
  /** The channels consuming now, with their consumer tags. */
  private readonly consumers = new Map<Channel, string>();
  /** The channels `cancel()` stopped: `close()` closes these. */
  private cancelled: Channel[] = [];

  constructor(private readonly o: ChannelOptions) {}

  async open(): Promise<void> {
    this.model = await connectRecovering(this.o.amqpUrl, (model) => this.setup(model));
    this.model.on('disconnect', (err: Error) =>
      this.o.log.warn({ err: err.message }, 'rabbitmq disconnected'),
    );
    this.model.on('error', () => {});
  }

  /** Ends the deliveries on every channel; what was delivered can still be acked. */
  async cancel(): Promise<void> {
    this.cancelled = [...this.consumers.keys()];
    await Promise.all(
      [...this.consumers].map(([ch, tag]) => ch.cancel(tag).catch(() => undefined)),
    );
  }

  async close(): Promise<void> {
    // Closing each channel first makes the broker take its last acks before the connection goes;
    // a connection close alone can overtake them, and those orders would come back as replays.
    await Promise.all(this.cancelled.map((ch) => ch.close().catch(() => undefined)));
    const model = this.model;
    this.model = null;
    if (model) await closeWithin(model);
  }

  private async setup(model: ChannelModel) {
    const ch = await this.channel(model);
    await assertTopology(ch, this.o.names);
    await ch.prefetch(this.o.prefetch);
    if (this.o.stopping()) return;
    await this.consume(ch, this.o.names.orders, this.o.onOrder);
    const exp = await this.channel(model);
    await exp.prefetch(this.o.expiryPrefetch ?? 20);
    await this.consume(exp, this.o.names.expiry, this.o.onExpiry);
    this.o.log.info({ queue: this.o.names.orders, prefetch: this.o.prefetch }, 'consuming orders');
  }

  private async channel(model: ChannelModel): Promise<Channel> {
    const ch = await model.createChannel();
    ch.on('error', () => {});
    ch.on('close', () => {
      this.consumers.delete(ch);
      this.o.acks.closed(ch);
    });
    return ch;
  }

  private async consume(ch: Channel, queue: string, deliver: (d: Delivery) => void) {
    const { consumerTag } = await ch.consume(
      queue,
      (msg) => {
        if (!msg) return;
        this.o.acks.delivered(ch, msg);
        deliver({ msg, ch });
      },
      { noAck: false },
    );
    this.consumers.set(ch, consumerTag);
  }
}
