import { mysqlConfigFromEnv } from '@seckill/db';

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

export function loadConsumerConfig(env: NodeJS.ProcessEnv = process.env) {
  return {
    mysql: mysqlConfigFromEnv(env),
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    amqpUrl: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    prefix: env.SECKILL_PREFIX ?? '',
    prefetch: int(env, 'CONSUMER_PREFETCH', 400),
    batchSize: int(env, 'CONSUMER_BATCH_SIZE', 200),
    batchWaitMs: int(env, 'CONSUMER_BATCH_WAIT_MS', 5),
    maxUnknownAttempts: int(env, 'CONSUMER_MAX_ATTEMPTS', 5),
    /** How long a written order waits for payment before it expires and its unit goes back. */
    paymentTimeoutMs: int(env, 'PAYMENT_TIMEOUT_MS', 900_000),
    /** How often the sweeper looks for overdue orders whose deadline message was lost. */
    sweepIntervalMs: int(env, 'EXPIRY_SWEEP_INTERVAL_MS', 2000),
    /** How long past its deadline an order is left to its message before the sweeper takes it. */
    sweepGraceMs: int(env, 'EXPIRY_SWEEP_GRACE_MS', 1000),
    confirmTimeoutMs: int(env, 'PUBLISH_CONFIRM_TIMEOUT_MS', 3000),
  };
}
export type ConsumerConfig = ReturnType<typeof loadConsumerConfig>;
