import type { OrderPublisher, QueueNames } from '@seckill/queue';
import type { StockStore, UserEvent } from '@seckill/stock';
import type { Pool } from 'mysql2/promise';
import type { Logger } from 'pino';
import { BulkAcks } from './acks.ts';
import { BatchLoop } from './batch-loop.ts';
import { BatchWriter } from './batch-writer.ts';
import { ConsumerChannels } from './channels.ts';
import { newCounters } from './counters.ts';
import { Expirer } from './expirer.ts';
import { ExpiryHandler } from './expiry-handler.ts';
import type { BatchObserver } from './metrics.ts';
import { Requeue } from './requeue.ts';
import { retrying } from './retrying.ts';
import { Settlement, type OrderInWork } from './settlement.ts';
import { Settling } from './settling.ts';
import { writeSaleOrders } from './writer.ts';

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

/**
 * Takes order messages from RabbitMQ and writes them to MySQL in batches. A message is acked only
 * after its transaction committed and its outcome is in Redis, so a crash at any point means a
 * redelivery, which the writer recognises. Lifecycle: start(), then stop() finishes in-flight
 * work, acks it, and closes. This class only assembles the parts and runs that lifecycle; the path
 * of a message is channels.ts → settlement.ts (its orders) → batch-loop.ts → batch-writer.ts
 * (claims.ts, writer.ts) → settling.ts → acked, or requeue.ts; deadlines go expiry-handler.ts →
 * expirer.ts.
 */
export class OrderConsumer {
  /** Written orders and batches, for logs and tests. */
  readonly counters = newCounters();
  readonly expirer: Expirer;
  private readonly acks = new BulkAcks();
  private readonly channels: ConsumerChannels;
  private readonly settlement: Settlement;
  private readonly batches: BatchLoop<OrderInWork>;
  private readonly settling: Settling;
  private readonly expiries: ExpiryHandler;
  private stopping = false;
  private stopped: Promise<void> | null = null;

  constructor(private readonly o: ConsumerOptions) {
    const { log, stock } = o;
    const counters = this.counters;
    const retry = retrying({ log, maxUnknownAttempts: o.maxUnknownAttempts });
    const onStockReturned = (goodsId: number) => o.onStockReturned?.(goodsId);
    const onUserEvents = (events: UserEvent[]) => o.onUserEvents?.(events);
    const settlement = new Settlement({ acks: this.acks, scheduler: o.scheduler, log, counters });
    const requeue = new Requeue({ settlement, counters, log });
    this.settlement = settlement;
    this.settling = new Settling({
      stock,
      scheduler: o.scheduler,
      retry,
      settlement,
      requeue,
      counters,
      log,
      onUserEvents,
      deadlineGatherMs: o.deadlineGatherMs ?? 0,
    });
    const writer = new BatchWriter({
      stock,
      write: (goodsId, orders) => writeSaleOrders(o.writerDb, goodsId, orders, o.paymentTimeoutMs),
      retry,
      settlement,
      settling: this.settling,
      counters,
      log,
      metrics: o.metrics,
      onStockReturned,
      onUserEvents,
    });
    this.batches = new BatchLoop({
      batchSize: o.batchSize,
      batchWaitMs: o.batchWaitMs,
      concurrency: o.concurrency,
      run: (batch) => writer.write(batch),
      failed: (batch, err) => requeue.failed('batch', batch, err),
    });
    this.expirer = new Expirer({
      db: o.db,
      stock,
      log,
      retrying: retry,
      onStockReturned,
      onUserEvents,
      sweepGraceMs: o.sweepGraceMs,
    });
    this.expiries = new ExpiryHandler({ expirer: this.expirer, settlement, requeue, log });
    this.channels = new ConsumerChannels({
      amqpUrl: o.amqpUrl,
      names: o.names,
      log,
      prefetch: o.prefetch,
      expiryPrefetch: o.expiryPrefetch,
      acks: this.acks,
      onOrder: (d) => this.batches.add(this.settlement.orders(d)),
      onExpiry: (d) => this.expiries.receive(d),
      stopping: () => this.stopping,
    });
  }

  async start(): Promise<void> {
    await this.channels.open();
    this.expirer.startSweeper(this.o.sweepIntervalMs);
  }

  /** Resolves when everything received so far has been written and acked. */
  async drain(): Promise<void> {
    for (;;) {
      const quiet = await this.batches.runOut();
      this.settling.flushDeadlines();
      await this.settling.settled();
      // Done once nothing is buffered, nothing settles and no lane took a batch while we waited.
      if (quiet() && this.settling.idle) {
        this.acks.flush();
        return;
      }
    }
  }

  /** Finishes in-flight work, acks it and closes; a second call returns the first one's promise. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    await this.expirer.stopSweeper();
    await this.channels.cancel();
    await this.drain();
    await this.expiries.idle();
    this.acks.flush();
    await this.channels.close();
  }
}
