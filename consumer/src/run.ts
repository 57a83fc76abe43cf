import { saleEventMessage } from '@seckill/contracts';
import { createPool } from '@seckill/db';
import { OrderPublisher, queueNames } from '@seckill/queue';
import { createRedis, publishUserEvents, saleEventsChannel, StockStore } from '@seckill/stock';
import type { Logger } from 'pino';
import type { ConsumerConfig } from './config.ts';
import { OrderConsumer } from './consumer.ts';
import { ConsumerMetrics } from './metrics.ts';

/** Connects a consumer process's parts; `stop()` closes them in order. */
export async function runConsumer(cfg: ConsumerConfig, log: Logger) {
  const db = createPool(cfg.mysql, { connectionLimit: 4 });
  // The order writer's: two round trips per transaction instead of six (writer.ts). Only the
  // writer's own SQL runs on it, every value escaped.
  const writerDb = createPool(cfg.mysql, {
    connectionLimit: Math.max(2, cfg.concurrency),
    multipleStatements: true,
  });
  const redis = createRedis(cfg, {
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis'));
  const stock = new StockStore(redis, cfg.prefix);
  const names = queueNames(cfg.prefix, cfg.queueType);
  const scheduler = new OrderPublisher({
    url: cfg.amqpUrl,
    names,
    confirmTimeoutMs: cfg.confirmTimeoutMs,
  });
  await scheduler.start();
  const metrics = new ConsumerMetrics({
    redis,
    prefix: cfg.prefix,
    db,
    depth: async () => {
      const d = await scheduler.depth();
      return { ready: d.ready, deadLetters: d.deadLetters };
    },
  });
  await metrics.start(cfg.metrics);
  const consumer = new OrderConsumer({
    amqpUrl: cfg.amqpUrl,
    names,
    db,
    writerDb,
    stock,
    log,
    prefetch: cfg.prefetch,
    batchSize: cfg.batchSize,
    batchWaitMs: cfg.batchWaitMs,
    concurrency: cfg.concurrency,
    maxUnknownAttempts: cfg.maxUnknownAttempts,
    deadlineGatherMs: cfg.deadlineGatherMs,
    onStockReturned: (goodsId) =>
      void redis
        .publish(
          saleEventsChannel(cfg.prefix),
          saleEventMessage({ type: 'stock_returned', goodsId }),
        )
        .catch(() => {}),
    onUserEvents: (events) => void publishUserEvents(redis, cfg.prefix, events).catch(() => {}),
    paymentTimeoutMs: cfg.paymentTimeoutMs,
    scheduler,
    sweepIntervalMs: cfg.sweepIntervalMs,
    sweepGraceMs: cfg.sweepGraceMs,
    metrics,
  });
  await consumer.start();
  let stopped: Promise<void> | null = null;
  const stop = async () => {
    await consumer.stop();
    await metrics.close();
    await scheduler.close();
    await redis.quit().catch(() => {});
    await db.end().catch(() => {});
    await writerDb.end().catch(() => {});
  };
  return {
    consumer,
    metrics,
    /** Closes everything in order; calling it again returns the first call's promise. */
    stop: () => (stopped ??= stop()),
  };
}
