import type amqp from 'amqplib';
import type { ChannelModel, ConfirmChannel, RecoveringChannelModel } from 'amqplib';
import { closeWithin, connectRecovering } from './connection.ts';
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
  /**
   * Group commit: orders wait while a publish is in flight and leave together, as one message
   * with one confirm (off: one message and one confirm per order).
   */
  groupCommit?: boolean;
  /** A group holds at most this many orders, and about this many bytes. */
  groupMaxOrders?: number;
  groupMaxBytes?: number;
  /** Told how many orders each order message carries, as it leaves (metrics). */
  onSent?: (orders: number) => void;
}

interface Waiting {
  json: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Publishes order messages as persistent messages on a confirm channel. A publish resolves only
 * when the broker confirms it (the message is on disk / replicated); many publishes are in flight
 * at once, so confirms are pipelined rather than waited for one by one.
 */
export class OrderPublisher {
  private model: RecoveringChannelModel | null = null;
  private channel: ConfirmChannel | null = null;
  /** Orders waiting for the publish in flight to be confirmed, and whether one is. */
  private waiting: Waiting[] = [];
  private inFlight = false;
  /** Messages and orders sent, for the bench and tests. */
  readonly sent = { messages: 0, orders: 0 };

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

  /**
   * Resolves once the broker has confirmed the message that carries this order; rejects if that
   * message was refused or not confirmed in time (every order in it is then to be undone).
   */
  publish(message: OrderMessage): Promise<void> {
    if (!this.opts.groupCommit) {
      this.sent.messages += 1;
      this.sent.orders += 1;
      this.opts.onSent?.(1);
      return this.send(this.opts.names.orders, Buffer.from(JSON.stringify(message)), {
        messageId: message.orderId,
      });
    }
    if (!this.channel) return Promise.reject(new PublishError('not connected to RabbitMQ'));
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ json: JSON.stringify(message), resolve, reject });
      if (!this.inFlight) this.flushGroup();
    });
  }

  /** Sends what waits as one message; when its confirm comes, the next group leaves. */
  private flushGroup() {
    if (this.waiting.length === 0) {
      this.inFlight = false;
      return;
    }
    const maxOrders = this.opts.groupMaxOrders ?? 500;
    const maxBytes = this.opts.groupMaxBytes ?? 256 * 1024;
    let bytes = 0;
    let n = 0;
    while (n < this.waiting.length && n < maxOrders) {
      bytes += (this.waiting[n]?.json.length ?? 0) + 1;
      n += 1;
      if (bytes >= maxBytes) break;
    }
    const group = this.waiting.splice(0, n);
    this.inFlight = true;
    this.sent.messages += 1;
    this.sent.orders += group.length;
    this.opts.onSent?.(group.length);
    const body = Buffer.from(`{"v":2,"orders":[${group.map((w) => w.json).join(',')}]}`);
    this.send(this.opts.names.orders, body, {}).then(
      () => {
        for (const w of group) w.resolve();
        this.flushGroup();
      },
      (err: Error) => {
        for (const w of group) w.reject(err);
        this.flushGroup();
      },
    );
  }

  /** Puts one order on the dead-letter queue by itself (a poisoned order of a group). */
  deadLetter(body: Buffer, reason: string): Promise<void> {
    return this.sendTo(this.opts.names.deadExchange, this.opts.names.dead, body, {
      headers: { 'x-seckill-reason': reason },
    });
  }

  /** Schedules payment deadlines: the message reaches the expiry queue when `delayMs` has passed. */
  scheduleExpiry(message: ExpiryMessage, delayMs: number): Promise<void> {
    return this.send(this.opts.names.expiryDelay, Buffer.from(JSON.stringify(message)), {
      expiration: String(Math.max(0, Math.ceil(delayMs))),
    });
  }

  private send(queue: string, body: Buffer, props: amqp.Options.Publish): Promise<void> {
    return this.sendTo('', queue, body, props);
  }

  private sendTo(
    exchange: string,
    routingKey: string,
    body: Buffer,
    props: amqp.Options.Publish,
  ): Promise<void> {
    const ch = this.channel;
    if (!ch) return Promise.reject(new PublishError('not connected to RabbitMQ'));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new PublishError('publish not confirmed in time')),
        this.opts.confirmTimeoutMs,
      );
      try {
        ch.publish(
          exchange,
          routingKey,
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
    for (const w of this.waiting.splice(0)) w.reject(new PublishError('publisher closed'));
    const model = this.model;
    this.model = null;
    this.channel = null;
    if (model) await closeWithin(model);
  }
}
