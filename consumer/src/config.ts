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
  };
}
export type ConsumerConfig = ReturnType<typeof loadConsumerConfig>;
