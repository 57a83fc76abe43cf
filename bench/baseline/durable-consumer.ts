/**
 * The durable limit's consumer: orders from durable-server.ts's queue gather under the product's
 * caps (consumer/src/config.ts: prefetch 400, batches of 200 orders, a partial batch waits 5 ms),
 * each batch is one multi-row INSERT (autocommit: one transaction), one batch at a time, and the
 * messages whose orders are all in are acked after its commit. No claims, settling, retries,
 * metrics or lifecycle: the least a consumer does to make an order durable.
 *
 * Started by the bench (bench/src/phases/durable.ts), which drops DURABLE_TABLE after the phase.
 * Prints `{"consuming":…}` once it consumes.
 */
import amqp, { type ConsumeMessage } from 'amqplib';
import type { OrderBatchMessage, OrderMessage } from '@seckill/contracts';
import { createPool, mysqlConfigFromEnv } from '@seckill/db';
import { readEnv, SharedEnv } from '@seckill/env';
import { assertTopology, queueNames } from '@seckill/queue';
import { run } from './bare.ts';

const PREFETCH = 400;
const BATCH_SIZE = 200;
const BATCH_WAIT_MS = 5;

/** One order of a message; `last` marks the message's last order, whose commit completes it. */
interface Item {
  order: OrderMessage;
  msg: ConsumeMessage;
  last: boolean;
}

run(async () => {
  const table = process.env.DURABLE_TABLE ?? 'durable_baseline_orders';
  const e = readEnv(SharedEnv.pick({ AMQP_URL: true, AMQP_QUEUE_TYPE: true }));
  const db = createPool(mysqlConfigFromEnv(), { connectionLimit: 1 });
  await db.query(
    `CREATE TABLE IF NOT EXISTS ${table} (
       id BIGINT UNSIGNED PRIMARY KEY,
       user_id INT UNSIGNED NOT NULL,
       goods_id INT UNSIGNED NOT NULL,
       committed_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
       UNIQUE KEY (user_id, goods_id)
     ) ENGINE=InnoDB`,
  );
  const names = queueNames(process.env.BASELINE_PREFIX ?? 'baseline:', e.AMQP_QUEUE_TYPE);
  const conn = await amqp.connect(e.AMQP_URL, { noDelay: true });
  const ch = await conn.createChannel();
  await assertTopology(ch, names);
  await ch.prefetch(PREFETCH);

  const write = async (batch: Item[]) => {
    const rows = batch.map(({ order: o }) => [o.orderId, o.userId, o.goodsId]);
    await db.query(`INSERT INTO ${table} (id, user_id, goods_id) VALUES ?`, [rows]);
    // Batches run in delivery order, so every message up to the last completed one is complete.
    let done: ConsumeMessage | undefined;
    for (const i of batch) if (i.last) done = i.msg;
    if (done) ch.ack(done, true);
  };
  const buffer: Item[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing = Promise.resolve();
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    while (buffer.length > 0) {
      const batch = buffer.splice(0, BATCH_SIZE);
      writing = writing.then(() => write(batch));
    }
    writing = writing.catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
  };
  await ch.consume(names.orders, (msg) => {
    if (!msg) return;
    const body = JSON.parse(msg.content.toString('utf8')) as OrderMessage | OrderBatchMessage;
    const orders = body.v === 2 ? body.orders : [body];
    orders.forEach((order, i) => buffer.push({ order, msg, last: i === orders.length - 1 }));
    if (buffer.length >= BATCH_SIZE) flush();
    else timer ??= setTimeout(flush, BATCH_WAIT_MS);
  });
  console.log(JSON.stringify({ consuming: names.orders }));
  const stop = () => {
    void conn.close().catch(() => {});
    void db.end();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
});
