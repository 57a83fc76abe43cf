import { LATENCY_BOUNDS_S, LiveRecorder, serveMetrics, type MetricsServer } from '@seckill/metrics';
import type { RedisClient, StockStore } from '@seckill/stock';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OrderObserver } from './seckill/place-order.ts';
import type { SaleCatalog } from './seckill/catalog.ts';

/** Every path no route matched: one label, however many raw URLs. */
export const UNMATCHED_ROUTE = 'unmatched';
const STOCK_SAMPLE_MS = 2000;

interface RequestSeries {
  count: Counter.Internal;
  seconds: Histogram.Internal<string>;
}

/**
 * An API instance's measurements: its Prometheus registry, and its share of the live view. Every
 * call on the request path is a counter or histogram update in memory, nothing more.
 */
export class ApiMetrics implements OrderObserver {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'seckill_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'seckill_http_request_duration_seconds',
    help: 'HTTP request latency, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: LATENCY_BOUNDS_S,
    registers: [this.registry],
  });
  private readonly orderAnswers = new Counter({
    name: 'seckill_order_answers_total',
    help: 'Order requests by answer: queued (accepted), sold_out, or other (an error)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly reservations = new Counter({
    name: 'seckill_reservations_total',
    help: 'Stock reservations by the Lua script outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly confirmSeconds = new Histogram({
    name: 'seckill_publish_confirm_seconds',
    help: "Time from an order's publish to the broker's confirm",
    buckets: LATENCY_BOUNDS_S,
    registers: [this.registry],
  });
  private readonly ordersPerMessage = new Histogram({
    name: 'seckill_publish_orders_per_message',
    help: 'Orders carried by one published message (group commit)',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });
  /** route → method → status → its series, made once each. */
  private readonly series = new Map<string, Map<string, Map<number, RequestSeries>>>();
  private readonly answers = {
    accepted: this.orderAnswers.labels('queued'),
    soldOut: this.orderAnswers.labels('sold_out'),
    other: this.orderAnswers.labels('other'),
  };
  private readonly outcomes = new Map<string, Counter.Internal>();
  private server: MetricsServer | null = null;
  /** This instance's share of the live view; it starts once the metrics port is known. */
  private live: LiveRecorder | null = null;

  constructor(
    private readonly deps: {
      redis: RedisClient;
      prefix: string;
      instanceId: string;
      catalog: SaleCatalog;
      stock: StockStore;
    },
  ) {
    const stock = deps;
    collectDefaultMetrics({ register: this.registry });
    let sampledAt = 0;
    new Gauge({
      name: 'seckill_stock_left',
      help: "Units left per sale, from Redis' counter (sampled at most every 2 s)",
      labelNames: ['goods_id'],
      registers: [this.registry],
      async collect() {
        if (Date.now() - sampledAt < STOCK_SAMPLE_MS) return;
        sampledAt = Date.now();
        const rows = await stock.catalog.rows();
        const left = await stock.stock.stockLeft(rows.map((r) => r.id));
        this.reset();
        for (const [id, n] of left) if (n !== null) this.labels(String(id)).set(n);
      },
    });
  }

  /** Serves the registry on its own port (if given), then starts reporting to the live view. */
  async start(listen: { host: string; port: number } | null): Promise<void> {
    if (listen) this.server = await serveMetrics(this.registry, listen);
    this.live ??= new LiveRecorder({
      redis: this.deps.redis,
      prefix: this.deps.prefix,
      self: { id: this.deps.instanceId, kind: 'api', pid: process.pid, metricsPort: this.port },
    });
    this.live.start();
  }

  get port(): number | null {
    return this.server?.port ?? null;
  }

  /** Any answered request; `startedAt` from performance.now(). */
  request(route: string, method: string, status: number, startedAt: number): void {
    const s = this.seriesOf(route, method, status);
    s.count.inc();
    s.seconds.observe((performance.now() - startedAt) / 1000);
  }

  /** An answered order request (`route`, its pattern): counted as a request and in the live view. */
  orderAnswered(route: string, status: number, code: string | undefined, startedAt: number): void {
    const ms = performance.now() - startedAt;
    const s = this.seriesOf(route, 'POST', status);
    s.count.inc();
    s.seconds.observe(ms / 1000);
    const result = status === 202 ? 'accepted' : code === 'SOLD_OUT' ? 'soldOut' : 'other';
    this.answers[result].inc();
    this.live?.orderAnswered(result, ms);
  }

  reserved(outcome: string): void {
    let c = this.outcomes.get(outcome);
    if (!c) this.outcomes.set(outcome, (c = this.reservations.labels(outcome)));
    c.inc();
  }

  confirmed(seconds: number): void {
    this.confirmSeconds.observe(seconds);
  }

  /** A message left with this many orders in it. */
  published(orders: number): void {
    this.ordersPerMessage.observe(orders);
  }

  private seriesOf(route: string, method: string, status: number): RequestSeries {
    let byMethod = this.series.get(route);
    if (!byMethod) this.series.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let s = byStatus.get(status);
    if (!s) {
      const labels = [route, method, String(status)];
      s = { count: this.requests.labels(...labels), seconds: this.duration.labels(...labels) };
      byStatus.set(status, s);
    }
    return s;
  }

  /** Flushes the last second to the live view and closes the port; safe to call twice. */
  async close(): Promise<void> {
    await this.live?.stop();
    await this.server?.close();
  }
}
