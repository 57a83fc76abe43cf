import { mysqlConfigFromEnv } from '@seckill/db';
import { count, readEnv, SharedEnv } from '@seckill/env';

/** What the consumer reads besides the shared settings. See .env.example. */
export const ConsumerEnv = SharedEnv.extend({
  /** Messages taken from the broker before any is acked. */
  CONSUMER_PREFETCH: count(400, 1),
  /** Orders written per transaction (1 = one transaction per order). */
  CONSUMER_BATCH_SIZE: count(200, 1),
  /** How long a partial batch waits for more messages. */
  CONSUMER_BATCH_WAIT_MS: count(5, 1),
  /** Batches in flight at once (one transaction each); 2 overlaps one's commit with the next's work. */
  CONSUMER_CONCURRENCY: count(1, 1),
  /** Attempts for an error that is neither known transient nor known permanent. */
  CONSUMER_MAX_ATTEMPTS: count(5, 1),
  /** Payment deadlines of the transactions committed within this many ms leave in one message (0 = one per transaction). */
  CONSUMER_DEADLINE_GATHER_MS: count(100),
  /** How often the sweeper looks for overdue orders whose deadline message was lost (0 = never). */
  EXPIRY_SWEEP_INTERVAL_MS: count(2000),
  /** How long past its deadline an order is left to its message before the sweeper takes it. */
  EXPIRY_SWEEP_GRACE_MS: count(1000),
});

export function loadConsumerConfig(env: Record<string, string | undefined> = process.env) {
  const e = readEnv(ConsumerEnv, env);
  return {
    mysql: mysqlConfigFromEnv(env),
    redisUrl: e.REDIS_URL,
    redisClusterNodes: e.REDIS_CLUSTER_NODES,
    amqpUrl: e.AMQP_URL,
    prefix: e.SECKILL_PREFIX,
    queueType: e.AMQP_QUEUE_TYPE,
    prefetch: e.CONSUMER_PREFETCH,
    batchSize: e.CONSUMER_BATCH_SIZE,
    batchWaitMs: e.CONSUMER_BATCH_WAIT_MS,
    concurrency: e.CONSUMER_CONCURRENCY,
    maxUnknownAttempts: e.CONSUMER_MAX_ATTEMPTS,
    deadlineGatherMs: e.CONSUMER_DEADLINE_GATHER_MS,
    paymentTimeoutMs: e.PAYMENT_TIMEOUT_MS,
    sweepIntervalMs: e.EXPIRY_SWEEP_INTERVAL_MS,
    sweepGraceMs: e.EXPIRY_SWEEP_GRACE_MS,
    confirmTimeoutMs: e.PUBLISH_CONFIRM_TIMEOUT_MS || 3000,
    /** Prometheus metrics on a port of their own (null = none). */
    metrics: e.METRICS_PORT === undefined ? null : { port: e.METRICS_PORT, host: e.METRICS_HOST },
  };
}
export type ConsumerConfig = ReturnType<typeof loadConsumerConfig>;
