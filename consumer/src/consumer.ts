import { OrderMessage } from '@seckill/contracts';
import { assertTopology, type QueueNames } from '@seckill/queue';
import type { StockStore } from '@seckill/stock';
import amqp, {
  type Channel,
  type ChannelModel,
  type ConsumeMessage,
  type RecoveringChannelModel,
} from 'amqplib';
import type { Pool } from 'mysql2/promise';
import type { Logger } from 'pino';
import { backoffMs, classify, PermanentFailure } from './errors.ts';
import { writeSaleOrders, type WriteOutcome } from './writer.ts';

export interface ConsumerOptions {
  amqpUrl: string;
  names: QueueNames;
  db: Pool;
  stock: StockStore;
  log: Logger;
  /** Messages taken from the broker before any is acked. */
  prefetch: number;
  /** Orders written per transaction (1 = one transaction per order). */
  batchSize: number;
  /** How long a partial batch waits for more messages. */
  batchWaitMs: number;
  /** Attempts for an error that is neither known transient nor known permanent. */
  maxUnknownAttempts: number;
  /** Told when a unit goes back to stock, so API instances drop their sold-out flag. */
  onStockReturned?: (goodsId: number) => void;
}

interface Delivery {
  msg: ConsumeMessage;
  ch: Channel;
}

interface Parsed extends Delivery {
  order: OrderMessage;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes order messages from RabbitMQ and writes them to MySQL in batches. A message is acked only
 * after its transaction committed and its outcome is in Redis, so a crash at any point means a
 * redelivery, which the writer recognises. Lifecycle: start(), then stop() finishes in-flight
 * work, acks it, and closes.
 */
export class OrderConsumer {
  private model: RecoveringChannelModel | null = null;
  private buffer: Delivery[] = [];
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private consumers = new Map<Channel, string>();
  private stopping = false;
  /** Written orders and batches, for logs and tests. */
  readonly counters = {
    batches: 0,
    created: 0,
    existing: 0,
    soldOut: 0,
    stale: 0,
    dropped: 0,
    dead: 0,
  };

  constructor(private readonly o: ConsumerOptions) {}

  async start(): Promise<void> {
    this.model = await amqp.connect(this.o.amqpUrl, {
      recovery: {
        initialDelay: 200,
        maxDelay: 3000,
        maxRetries: Infinity,
        waitForConnect: false,
        setup: async (model: ChannelModel) => {
          const ch = await model.createChannel();
          ch.on('error', () => {});
          ch.on('close', () => this.consumers.delete(ch));
          await assertTopology(ch, this.o.names);
          await ch.prefetch(this.o.prefetch);
          if (this.stopping) return;
          const { consumerTag } = await ch.consume(
            this.o.names.orders,
            (msg) => msg && this.receive({ msg, ch }),
            {
              noAck: false,
            },
          );
          this.consumers.set(ch, consumerTag);
          this.o.log.info(
            { queue: this.o.names.orders, prefetch: this.o.prefetch },
            'consuming orders',
          );
        },
      },
    });
    this.model.on('disconnect', (err: Error) =>
      this.o.log.warn({ err: err.message }, 'rabbitmq disconnected'),
    );
    this.model.on('error', () => {});
  }

  private receive(d: Delivery) {
    this.buffer.push(d);
    if (this.buffer.length >= this.o.batchSize) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.o.batchWaitMs);
  }

  private flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0) return;
    const batch = this.buffer.splice(0, this.o.batchSize);
    this.chain = this.chain
      .then(() => this.process(batch))
      .catch((err: unknown) => {
        this.o.log.error({ err }, 'batch failed; its messages will be redelivered');
      });
    if (this.buffer.length > 0) this.flush();
  }

  private async process(batch: Delivery[]) {
    this.counters.batches += 1;
    const valid: Parsed[] = [];
    for (const d of batch) {
      const parsed = OrderMessage.safeParse(safeJson(d.msg.content));
      if (parsed.success) valid.push({ ...d, order: parsed.data });
      else this.deadLetter(d, 'malformed message');
    }
    // Claim first: a reservation the API undid (publish not confirmed) must not become an order.
    const claims = await this.retrying('claim', () =>
      Promise.all(
        valid.map((p) => this.o.stock.claim(p.order.goodsId, p.order.userId, p.order.orderId)),
      ),
    );
    const toWrite = new Map<number, Parsed[]>();
    valid.forEach((p, i) => {
      if (claims[i] === 'dropped') {
        this.counters.dropped += 1;
        this.ack(p);
        return;
      }
      const group = toWrite.get(p.order.goodsId) ?? [];
      group.push(p);
      toWrite.set(p.order.goodsId, group);
    });
    for (const [goodsId, group] of toWrite) await this.writeGroup(goodsId, group);
  }

  private async writeGroup(goodsId: number, group: Parsed[]) {
    let outcomes: Map<string, WriteOutcome>;
    try {
      outcomes = await this.retrying('write', () =>
        writeSaleOrders(
          this.o.db,
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
    // Outcomes go to Redis together (one pipelined round trip), then every message is acked.
    await Promise.all(
      group.map(async (p) => {
        const outcome = outcomes.get(p.order.orderId);
        if (outcome) await this.settle(p, outcome);
      }),
    );
    for (const p of group) this.ack(p);
  }

  private async settle(p: Parsed, outcome: WriteOutcome) {
    const { goodsId, userId, orderId } = p.order;
    this.counters[outcome.kind === 'sold_out' ? 'soldOut' : outcome.kind] += 1;
    await this.retrying('settle', async () => {
      if (outcome.kind === 'created' || outcome.kind === 'existing') {
        await this.o.stock.settle(goodsId, userId, outcome.orderId, orderId);
      } else if (outcome.kind === 'sold_out') {
        await this.o.stock.release(goodsId, userId, orderId, {
          force: true,
          result: 'sold_out',
          returnUnit: false,
        });
      }
    });
  }

  /** An order that can never be written: dead-letter it and give the unit back. */
  private async fail(p: Parsed, err: unknown) {
    const { goodsId, userId, orderId } = p.order;
    this.o.log.error({ err, goodsId, userId, orderId }, 'order cannot be written; dead-lettered');
    const released = await this.retrying('release', () =>
      this.o.stock.release(goodsId, userId, orderId, {
        force: true,
        result: 'failed',
        returnUnit: true,
      }),
    );
    if (released === 'released') this.o.onStockReturned?.(goodsId);
    this.deadLetter(p, 'write failed');
  }

  /**
   * Runs `fn` until it succeeds. Transient errors (MySQL or Redis away) are retried for as long as
   * it takes; unknown ones a few times; permanent ones are thrown to the caller.
   */
  private async retrying<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await fn();
      } catch (err) {
        const kind = err instanceof PermanentFailure ? 'permanent' : classify(err);
        if (
          kind === 'permanent' ||
          (kind === 'unknown' && attempt + 1 >= this.o.maxUnknownAttempts)
        )
          throw err;
        const wait = backoffMs(attempt);
        this.o.log.warn({ err: (err as Error).message, what, attempt, wait }, 'retrying');
        await sleep(wait);
      }
    }
  }

  private ack(d: Delivery) {
    try {
      d.ch.ack(d.msg);
    } catch {
      // The channel is gone: the broker redelivers, and the writer knows the order.
    }
  }

  private deadLetter(d: Delivery, reason: string) {
    this.counters.dead += 1;
    this.o.log.warn({ reason, messageId: d.msg.properties.messageId }, 'dead-lettering');
    try {
      d.ch.nack(d.msg, false, false);
    } catch {
      // The channel is gone: it comes back and is judged again.
    }
  }

  /** Resolves when everything received so far has been written and acked. */
  async drain(): Promise<void> {
    do {
      this.flush();
      await this.chain;
    } while (this.buffer.length > 0);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const channels = [...this.consumers.keys()];
    await Promise.all(
      [...this.consumers].map(([ch, tag]) => ch.cancel(tag).catch(() => undefined)),
    );
    await this.drain();
    // Closing each channel first makes the broker take its last acks before the connection goes;
    // a connection close alone can overtake them, and those orders would come back as replays.
    await Promise.all(channels.map((ch) => ch.close().catch(() => undefined)));
    const model = this.model;
    this.model = null;
    if (model) await model.close().catch(() => {});
  }
}

function safeJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
