import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { countOrdersByStatus } from '@seckill/db';
import {
  LATENCY_BOUNDS_S,
  LiveRecorder,
  serveMetrics,
  type MetricsServer,
  type QueueSample,
} from '@seckill/metrics';
import type { RedisClient } from '@seckill/stock';
import type { Pool } from 'mysql2/promise';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const STATES = ['pending_payment', 'paid', 'cancelled', 'expired'] as const;
const STATES_SAMPLE_MS = 5000;

/** What the consumer reports as it writes, in memory only. */
export interface BatchObserver {
  batch(orders: number): void;
  committed(created: number, seconds: number): void;
}

/**
 * A consumer's measurements: its Prometheus registry and its share of the live view. It may also
 * be the one process sampling the queue depth each second.
 */
export class ConsumerMetrics implements BatchObserver {
  readonly registry = new Registry();
  private readonly batchOrders = new Histogram({
    name: 'seckill_consumer_batch_orders',
    help: 'Orders per batch the consumer takes',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });
  private readonly commitSeconds = new Histogram({
    name: 'seckill_consumer_commit_seconds',
    help: "Time of one sale's write transaction of a batch",
    buckets: LATENCY_BOUNDS_S,
    registers: [this.registry],
  });
  private readonly ordersCommitted = new Counter({
    name: 'seckill_orders_committed_total',
    help: 'Orders written to MySQL by this consumer',
    registers: [this.registry],
  });
  private readonly queueMessages = new Gauge({
    name: 'seckill_queue_messages',
    help: 'Ready messages in the order queue and its dead-letter queue (exported by the sampler)',
    labelNames: ['queue'],
    registers: [this.registry],
  });
  private server: MetricsServer | null = null;
  private live: LiveRecorder | null = null;
  readonly id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}-consumer`;

  constructor(
    private readonly deps: {
      redis: RedisClient;
      prefix: string;
      db: Pool;
      depth: () => Promise<QueueSample>;
    },
  ) {
    collectDefaultMetrics({ register: this.registry });
    let sampledAt = 0;
    let sampling: Promise<void> | null = null;
    const db = deps.db;
    new Gauge({
      name: 'seckill_orders',
      help: 'Orders by lifecycle state, from MySQL (sampled at most every 5 s)',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        if (Date.now() - sampledAt < STATES_SAMPLE_MS) return;
        sampling ??= (async () => {
          const rows = await countOrdersByStatus(db);
          const byState = new Map(rows.map((r) => [String(r.status), Number(r.n)]));
          for (const state of STATES) this.labels(state).set(byState.get(state) ?? 0);
          sampledAt = Date.now();
        })().finally(() => {
          sampling = null;
        });
        await sampling;
      },
    });
  }

  get port(): number | null {
    return this.server?.port ?? null;
  }

  async start(listen: { host: string; port: number } | null): Promise<void> {
    if (listen) this.server = await serveMetrics(this.registry, listen);
    this.live ??= new LiveRecorder({
      redis: this.deps.redis,
      prefix: this.deps.prefix,
      self: { id: this.id, kind: 'consumer', pid: process.pid, metricsPort: this.port },
      sampleQueue: async () => {
        const q = await this.deps.depth();
        this.queueMessages.labels('orders').set(q.ready);
        this.queueMessages.labels('dead_letters').set(q.deadLetters);
        return q;
      },
    });
    this.live.start();
  }

  batch(orders: number): void {
    this.batchOrders.observe(orders);
  }

  committed(created: number, seconds: number): void {
    this.commitSeconds.observe(seconds);
    if (created > 0) this.ordersCommitted.inc(created);
    this.live?.committed(created);
  }

  /** Flushes the last second to the live view and closes the port; safe to call twice. */
  async close(): Promise<void> {
    await this.live?.stop();
    await this.server?.close();
  }
}
