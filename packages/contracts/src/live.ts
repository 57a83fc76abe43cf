import { z } from 'zod';

/**
 * The live view of a sale across every instance: `GET /api/admin/live?window=<seconds>` (admin
 * only). Each API instance and each consumer adds its per-second counts to shared Redis buckets,
 * so one request gives the whole deployment, however many instances run.
 */
export const LIVE_WINDOW_DEFAULT_S = 300;
export const LIVE_WINDOW_MAX_S = 900;
export const liveQuery = z.object({
  window: z.coerce.number().int().min(10).max(LIVE_WINDOW_MAX_S).default(LIVE_WINDOW_DEFAULT_S),
});
export type LiveQuery = z.infer<typeof liveQuery>;

/** One second of the deployment, summed over every instance. */
export interface LiveSecond {
  /** Start of the second, ms since the epoch. */
  t: number;
  /** Order requests answered `queued` (after their publish confirm). */
  accepted: number;
  /** Orders written to MySQL. */
  committed: number;
  /** Order requests answered sold out. */
  soldOut: number;
  /** Order request latency over the second, ms; null when no order request was answered. */
  p50Ms: number | null;
  p99Ms: number | null;
  /** Ready messages in the order queue and in its dead-letter queue, sampled; null if not sampled. */
  queueDepth: number | null;
  deadLetters: number | null;
}

export interface LiveInstance {
  id: string;
  kind: 'api' | 'consumer';
  pid: number;
  /** Where its Prometheus metrics are served; null when METRICS_PORT is not set. */
  metricsPort: number | null;
  lastSeen: string;
}

export interface LiveSaleStock {
  goodsId: number;
  name: string;
  stockTotal: number;
  /** Redis' counter; null when Redis does not hold the sale. */
  stockLeft: number | null;
}

export interface LiveResponse {
  serverTime: string;
  windowSeconds: number;
  /** Oldest first, one entry per second of the window, seconds with nothing in them as zeros. */
  seconds: LiveSecond[];
  instances: LiveInstance[];
  stock: LiveSaleStock[];
}
