import type amqp from 'amqplib';
import type { ChannelModel, ConfirmChannel, RecoveringChannelModel } from 'amqplib';
import { connectRecovering } from './connection.ts';
import type { ExpiryMessage, OrderMessage } from '@seckill/contracts';
import type { QueueNames } from './names.ts';
import { assertTopology, queueDepth, type QueueDepth } from './topology.ts';

export class PublishError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishError';
  }
}

export interface PublisherOptions {
  url: string;
  names: QueueNames;
  confirmTimeoutMs: number;
  onState?: (state: 'connected' | 'disconnected', err?: Error) => void;
}

/**
 * Publishes order messages as persistent messages on a confirm channel. A publish resolves only
 * when the broker confirms it (the message is on disk / replicated); many publishes are in flight
 * at once, so confirms are pipelined rather than waited for one by one.
 */
export class OrderPublisher {
  private model: RecoveringChannelModel | null = null;
  private channel: ConfirmChannel | null = null;

  constructor(private readonly opts: PublisherOptions) {}

  async start(): Promise<void> {
    this.model = await connectRecovering(this.opts.url, async (model: ChannelModel) => {
      const ch = await model.createConfirmChannel();
      await assertTopology(ch, this.opts.names);
      ch.on('error', () => {});
      ch.on('close', () => {
        if (this.channel === ch) this.channel = null;
      });
      this.channel = ch;
    });
    this.model.on('connect', () => this.opts.onState?.('connected'));
    this.model.on('disconnect', (err: Error) => {
      this.channel = null;
      this.opts.onState?.('disconnected', err);
    });
    this.model.on('error', () => {});
  }

  /** Waits up to `ms` for the first connection (startup, tests). */
  async waitReady(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (!this.channel && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    return this.channel !== null;
  }

  get ready(): boolean {
    return this.channel !== null;
  }

  publish(message: OrderMessage): Promise<void> {
    return this.send(this.opts.names.orders, Buffer.from(JSON.stringify(message)), {
      messageId: message.orderId,
    });
  }

  /** Schedules payment deadlines: the message reaches the expiry queue when `delayMs` has passed. */
  scheduleExpiry(message: ExpiryMessage, delayMs: number): Promise<void> {
    return this.send(this.opts.names.expiryDelay, Buffer.from(JSON.stringify(message)), {
      expiration: String(Math.max(0, Math.ceil(delayMs))),
    });
  }

  private send(queue: string, body: Buffer, props: amqp.Options.Publish): Promise<void> {
    const ch = this.channel;
    if (!ch) return Promise.reject(new PublishError('not connected to RabbitMQ'));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new PublishError('publish not confirmed in time')),
        this.opts.confirmTimeoutMs,
      );
      try {
        ch.sendToQueue(
          queue,
          body,
          { persistent: true, contentType: 'application/json', ...props },
          (err) => {
            clearTimeout(timer);
            if (err) reject(new PublishError('publish refused by the broker'));
            else resolve();
          },
        );
      } catch (err) {
        clearTimeout(timer);
        reject(new PublishError(`publish failed: ${(err as Error).message}`));
      }
    });
  }

  async depth(): Promise<QueueDepth> {
    const ch = this.channel;
    if (!ch) throw new PublishError('not connected to RabbitMQ');
    return queueDepth(ch, this.opts.names);
  }

  async close(): Promise<void> {
    const model = this.model;
    this.model = null;
    this.channel = null;
    if (model) await model.close().catch(() => {});
  }
}
