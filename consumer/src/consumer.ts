import { ExpiryMessage, OrderBatchMessage, OrderMessage } from '@seckill/contracts';
import {
  assertTopology,
  closeWithin,
  connectRecovering,
  type OrderPublisher,
  type QueueNames,
} from '@seckill/queue';
import type { StockStore, UserEvent } from '@seckill/stock';
import {
  type Channel,
  type ChannelModel,
  type ConsumeMessage,
  type RecoveringChannelModel,
} from 'amqplib';
import type { Pool } from 'mysql2/promise';
import type { Logger } from 'pino';
import { backoffMs, classify, PermanentFailure } from './errors.ts';
import { BulkAcks } from './acks.ts';
import { DeadlineGatherer } from './deadlines.ts';
import { Expirer } from './expirer.ts';
import type { BatchObserver } from './metrics.ts';
import { writeSaleOrders, type WriteOutcome } from './writer.ts';

export interface ConsumerOptions {
  amqpUrl: string;
  names: QueueNames;
  db: Pool;
  /** The writer's own pool: multiple statements per query (writer.ts), used for nothing else. */
  writerDb: Pool;
  stock: StockStore;
  log: Logger;
  /** Messages taken from the broker before any is acked. */
  prefetch: number;
  /** Orders written per transaction (1 = one transaction per order). */
  batchSize: number;
  /** How long a partial batch waits for more messages. */
  batchWaitMs: number;
  /** Batches in flight at once, each in its own lane (default 1: one after another). */
  concurrency?: number;
  /** Attempts for an error that is neither known transient nor known permanent. */
  maxUnknownAttempts: number;
  /** Told when a unit goes back to stock, so API instances drop their sold-out flag. */
  onStockReturned?: (goodsId: number) => void;
  /** Told what to push to shoppers (their order written, sold out, expired). */
  onUserEvents?: (events: UserEvent[]) => void;
  /** How long a written order waits for payment. */
  paymentTimeoutMs: number;
  /** Schedules payment deadlines on the delay queue. */
  scheduler: OrderPublisher;
  /** The sweeper expires overdue orders whose deadline message was lost, every `sweepIntervalMs`. */
  sweepIntervalMs: number;
  /** How long past its deadline an order is left to its message before the sweeper takes it. */
  sweepGraceMs: number;
  /** Deadline messages taken at once. */
  expiryPrefetch?: number;
  /** Told of each batch and each commit (metrics). */
  metrics?: BatchObserver;
  /** Deadlines of the transactions committed within this many ms share one message (0: one each). */
  deadlineGatherMs?: number;
}

interface Delivery {
  msg: ConsumeMessage;
  ch: Channel;
}

/** One order of a message (a message carries one, or a group of them). */
interface Parsed {
  order: OrderMessage;
  d: Delivery;
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
  private buffer: Parsed[] = [];
  /** Orders of a message not yet done: it is acked when the last one is. */
  private readonly left = new WeakMap<ConsumeMessage, number>();
  /** Messages that carry a group of orders (v2). */
  private readonly groups = new WeakSet<ConsumeMessage>();
  private timer: NodeJS.Timeout | null = null;
  /** Each lane runs its batches one after another; batches go to the lanes in turn. */
  private lanes: Promise<void>[] = [];
  private nextLane = 0;
  private consumers = new Map<Channel, string>();
  private stopping = false;
  readonly expirer: Expirer;
  /** Written orders and batches, for logs and tests. */
  readonly counters = {
    batches: 0,
    created: 0,
    existing: 0,
    soldOut: 0,
    stale: 0,
    dropped: 0,
    dead: 0,
    returned: 0,
    unscheduled: 0,
    failedBatches: 0,
  };
  /** Messages already acked or rejected: a failed batch requeues only the others. */
  private readonly settled = new WeakSet<ConsumeMessage>();

  private readonly deadlines: DeadlineGatherer;
  private readonly acks = new BulkAcks();

  constructor(private readonly o: ConsumerOptions) {
    this.deadlines = new DeadlineGatherer((m) => this.sendDeadline(m), o.deadlineGatherMs ?? 0);
    this.expirer = new Expirer({
      db: o.db,
      stock: o.stock,
      log: o.log,
      retrying: (what, fn) => this.retrying(what, fn),
      onStockReturned: (goodsId) => o.onStockReturned?.(goodsId),
      onUserEvents: (events) => o.onUserEvents?.(events),
      sweepGraceMs: o.sweepGraceMs,
    });
  }

  async start(): Promise<void> {
    this.model = await connectRecovering(this.o.amqpUrl, async (model: ChannelModel) => {
      const ch = await model.createChannel();
      ch.on('error', () => {});
      ch.on('close', () => {
        this.consumers.delete(ch);
        this.acks.closed(ch);
      });
      await assertTopology(ch, this.o.names);
      await ch.prefetch(this.o.prefetch);
      if (this.stopping) return;
      const { consumerTag } = await ch.consume(
        this.o.names.orders,
        (msg) => {
          if (!msg) return;
          this.acks.delivered(ch, msg);
          this.receive({ msg, ch });
        },
        {
          noAck: false,
        },
      );
      this.consumers.set(ch, consumerTag);
      const exp = await model.createChannel();
      exp.on('error', () => {});
      exp.on('close', () => {
        this.consumers.delete(exp);
        this.acks.closed(exp);
      });
      await exp.prefetch(this.o.expiryPrefetch ?? 20);
      const expiry = await exp.consume(
        this.o.names.expiry,
        (msg) => {
          if (!msg) return;
          this.acks.delivered(exp, msg);
          void this.expire({ msg, ch: exp });
        },
        { noAck: false },
      );
      this.consumers.set(exp, expiry.consumerTag);
      this.o.log.info(
        { queue: this.o.names.orders, prefetch: this.o.prefetch },
        'consuming orders',
      );
    });
    this.model.on('disconnect', (err: Error) =>
      this.o.log.warn({ err: err.message }, 'rabbitmq disconnected'),
    );
    this.model.on('error', () => {});
    this.expirer.startSweeper(this.o.sweepIntervalMs);
  }

  /** A payment deadline came due: expire those of its orders still unpaid, then ack. */
  private async expire(d: Delivery) {
    const parsed = ExpiryMessage.safeParse(safeJson(d.msg.content));
    if (!parsed.success) {
      this.o.log.warn('malformed expiry message dropped');
      this.ack(d);
      return;
    }
    this.inflightExpiries += 1;
    try {
      await this.expirer.expire(parsed.data.goodsId, parsed.data.orderIds);
      this.ack(d);
    } catch (err) {
      // Back to the queue after a pause (unacked it would hold a prefetch slot for good); the
      // sweeper expires the orders meanwhile if this keeps failing.
      this.o.log.error({ err }, 'expiry failed; requeueing it');
      await sleep(backoffMs(3));
      this.requeue(d);
    } finally {
      this.inflightExpiries -= 1;
    }
  }

  private inflightExpiries = 0;

  private receive(d: Delivery) {
    const orders = this.unpack(d);
    if (orders.length === 0) return;
    this.buffer.push(...orders);
    if (this.buffer.length >= this.o.batchSize) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.o.batchWaitMs);
  }

  /**
   * The orders of a message: one (v1), or a group (v2) whose poisoned orders are dead-lettered
   * one by one while the others go on. A message that is neither is dead-lettered whole.
   */
  private unpack(d: Delivery): Parsed[] {
    const body = safeJson(d.msg.content);
    const single = OrderMessage.safeParse(body);
    if (single.success) {
      this.left.set(d.msg, 1);
      return [{ order: single.data, d }];
    }
    const group = OrderBatchMessage.safeParse(body);
    if (!group.success) {
      this.deadLetter(d, 'malformed message');
      return [];
    }
    const orders: Parsed[] = [];
    const poisoned: unknown[] = [];
    for (const raw of group.data.orders) {
      const o = OrderMessage.safeParse(raw);
      if (o.success) orders.push({ order: o.data, d });
      else poisoned.push(raw);
    }
    this.left.set(d.msg, group.data.orders.length);
    this.groups.add(d.msg);
    for (const raw of poisoned) void this.deadLetterOne(d, raw, 'malformed order');
    return orders;
  }

  /** Puts one order of a group on the dead-letter queue by itself, then counts it done. */
  private async deadLetterOne(d: Delivery, order: unknown, reason: string) {
    this.counters.dead += 1;
    this.o.log.warn({ reason }, 'dead-lettering one order of a group');
    try {
      await this.o.scheduler.deadLetter(Buffer.from(JSON.stringify(order)), reason);
      this.done(d);
    } catch {
      // Not confirmed: the message goes back to the queue and is judged again.
      this.requeue(d);
    }
  }

  /** One order of the message is settled; the last one acks it. */
  private done(d: Delivery) {
    const left = (this.left.get(d.msg) ?? 1) - 1;
    this.left.set(d.msg, left);
    if (left <= 0) this.ack(d);
  }

  private flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0) return;
    const batch = this.buffer.splice(0, this.o.batchSize);
    const lanes = Math.max(1, this.o.concurrency ?? 1);
    const lane = this.nextLane++ % lanes;
    this.lanes[lane] = (this.lanes[lane] ?? Promise.resolve())
      .then(() => this.process(batch))
      .catch(async (err: unknown) => {
        // Unacked on a live channel they would hold their prefetch slots and never come back:
        // after a pause, hand them back to the queue to be judged again.
        this.counters.failedBatches += 1;
        this.o.log.error({ err, orders: batch.length }, 'batch failed; requeueing its messages');
        await sleep(backoffMs(Math.min(this.counters.failedBatches, 5)));
        for (const d of new Set(batch.map((p) => p.d))) this.requeue(d);
      });
    if (this.buffer.length > 0) this.flush();
  }

  private async process(batch: Parsed[]) {
    this.counters.batches += 1;
    this.o.metrics?.batch(batch.length);
    const bySale = new Map<number, Parsed[]>();
    for (const p of batch) {
      const group = bySale.get(p.order.goodsId) ?? [];
      group.push(p);
      bySale.set(p.order.goodsId, group);
    }
    // Claim first, one script call per sale: a reservation the API undid (publish not
    // confirmed) must not become an order.
    const claimed = await this.retrying('claim', () =>
      Promise.all(
        [...bySale].map(async ([goodsId, group]) => {
          const claims = await this.o.stock.claimMany(
            goodsId,
            group.map((p) => p.order),
          );
          return [
            goodsId,
            group.filter((p, i) => claims[i] !== 'dropped' || this.drop(p)),
          ] as const;
        }),
      ),
    );
    for (const [goodsId, group] of claimed) if (group.length) await this.writeGroup(goodsId, group);
  }

  /** A reservation that was undone: nothing to write. Returns false (for filter). */
  private drop(p: Parsed): false {
    this.counters.dropped += 1;
    this.done(p.d);
    return false;
  }

  private async writeGroup(goodsId: number, group: Parsed[]) {
    let outcomes: Map<string, WriteOutcome>;
    let expiresAt: number;
    const writeStarted = performance.now();
    try {
      ({ outcomes, expiresAt } = await this.retrying('write', () =>
        writeSaleOrders(
          this.o.writerDb,
          goodsId,
          group.map((p) => p.order),
          this.o.paymentTimeoutMs,
        ),
      ));
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
      .map((p) => outcomes.get(p.order.orderId))
      .flatMap((o) => (o?.kind === 'created' ? [o.orderId] : []));
    this.o.metrics?.committed(created.length, (performance.now() - writeStarted) / 1000);
    // The deadline message and the outcomes in Redis go out together (one script call for the
    // committed orders of the sale); every message is acked after both.
    const events: UserEvent[] = [];
    const settled: Array<{ userId: number; orderId: string; reservedOrderId: string }> = [];
    const soldOut: Parsed[] = [];
    for (const p of group) {
      const outcome = outcomes.get(p.order.orderId);
      if (!outcome) continue;
      this.counters[outcome.kind === 'sold_out' ? 'soldOut' : outcome.kind] += 1;
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
    // The lane goes on to its next transaction meanwhile: these orders are in MySQL now.
    this.settle(
      group,
      Promise.all([
        created.length > 0 ? this.scheduleExpiry(goodsId, created, expiresAt) : undefined,
        settled.length > 0
          ? this.retrying('settle', () => this.o.stock.settleMany(goodsId, settled))
          : undefined,
        ...soldOut.map((p) => this.releaseSoldOut(p)),
      ]).then(() => {
        for (const p of group) this.done(p.d);
        this.o.onUserEvents?.(events);
      }),
    );
  }

  /** Committed groups whose outcomes and deadline message are on their way (then acked). */
  private readonly settling = new Set<Promise<void>>();

  private settle(group: Parsed[], work: Promise<void>) {
    const tracked: Promise<void> = work
      .catch(async (err: unknown) => {
        // As for a failed batch: after a pause the messages go back, and the writer knows them.
        this.counters.failedBatches += 1;
        this.o.log.error({ err, orders: group.length }, 'settling failed; requeueing its messages');
        await sleep(backoffMs(Math.min(this.counters.failedBatches, 5)));
        for (const d of new Set(group.map((p) => p.d))) this.requeue(d);
      })
      .finally(() => this.settling.delete(tracked));
    this.settling.add(tracked);
  }

  /** The deadline of orders a transaction wrote, gathered with other transactions' (deadlines.ts). */
  private scheduleExpiry(goodsId: number, orderIds: string[], expiresAt: number) {
    return this.deadlines.add(goodsId, orderIds, expiresAt);
  }

  /** One deadline message; lost, the sweeper stands in. */
  private async sendDeadline(m: ExpiryMessage) {
    try {
      await this.o.scheduler.scheduleExpiry(m, m.expiresAt - Date.now());
    } catch (err) {
      this.counters.unscheduled += m.orderIds.length;
      this.o.log.warn(
        { err: (err as Error).message, goodsId: m.goodsId, orders: m.orderIds.length },
        'payment deadline not scheduled; the sweeper will expire these orders',
      );
    }
  }

  /** MySQL had no unit left for it: the reservation ends as sold out, its unit already gone. */
  private async releaseSoldOut(p: Parsed) {
    const { goodsId, userId, orderId } = p.order;
    await this.retrying('settle', () =>
      this.o.stock.release(goodsId, userId, orderId, {
        force: true,
        result: 'sold_out',
        returnUnit: false,
      }),
    );
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
    // Alone in its message, the message goes; in a group, only this order does.
    if ((this.left.get(p.d.msg) ?? 1) <= 1 && !this.groups.has(p.d.msg))
      this.deadLetter(p.d, 'write failed');
    else await this.deadLetterOne(p.d, p.order, 'write failed');
    this.o.onUserEvents?.([{ userId, event: { type: 'result', goodsId, status: 'failed' } }]);
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
    // Requeued after a failed batch: the broker has it again, an ack now would be an error.
    if (this.settled.has(d.msg)) return;
    this.settled.add(d.msg);
    this.acks.ack(d.ch, d.msg);
  }

  private requeue(d: Delivery) {
    if (this.settled.has(d.msg)) return;
    this.settled.add(d.msg);
    this.acks.nacked(d.ch, d.msg);
    try {
      d.ch.nack(d.msg, false, true);
    } catch {
      // The channel is gone: the broker redelivers anyway.
    }
  }

  private deadLetter(d: Delivery, reason: string) {
    if (this.settled.has(d.msg)) return;
    this.counters.dead += 1;
    this.settled.add(d.msg);
    this.o.log.warn({ reason, messageId: d.msg.properties.messageId }, 'dead-lettering');
    this.acks.nacked(d.ch, d.msg);
    try {
      d.ch.nack(d.msg, false, false);
    } catch {
      // The channel is gone: it comes back and is judged again.
    }
  }

  /** Resolves when everything received so far has been written and acked. */
  async drain(): Promise<void> {
    for (;;) {
      this.flush();
      const awaited = [...this.lanes];
      await Promise.all(awaited);
      this.deadlines.flushAll();
      await Promise.all([...this.settling]);
      // Done once nothing is buffered, nothing settles and no lane took a batch while we waited.
      if (
        this.buffer.length === 0 &&
        this.settling.size === 0 &&
        this.lanes.every((l, i) => l === awaited[i])
      ) {
        this.acks.flush();
        return;
      }
    }
  }

  private stopped: Promise<void> | null = null;

  /** Finishes in-flight work, acks it and closes; a second call returns the first one's promise. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    await this.expirer.stopSweeper();
    const channels = [...this.consumers.keys()];
    await Promise.all(
      [...this.consumers].map(([ch, tag]) => ch.cancel(tag).catch(() => undefined)),
    );
    await this.drain();
    while (this.inflightExpiries > 0) await sleep(20);
    this.acks.flush();
    // Closing each channel first makes the broker take its last acks before the connection goes;
    // a connection close alone can overtake them, and those orders would come back as replays.
    await Promise.all(channels.map((ch) => ch.close().catch(() => undefined)));
    const model = this.model;
    this.model = null;
    if (model) await closeWithin(model);
  }
}

/** What the shopper is told once their order message is settled. */
function resultEvent(order: OrderMessage, outcome: WriteOutcome): UserEvent | null {
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

function safeJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
