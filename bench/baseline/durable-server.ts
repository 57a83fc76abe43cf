/**
 * The durable limit's server: today's baseline (server.ts) plus the least any durable design
 * does per order before it answers: the product's grouped, confirmed publish (OrderPublisher
 * with group commit, the order message of packages/contracts) to an order queue of the product's
 * type. Answers 202 after the broker's confirm. No token, limits, room, SSE, metrics or undo.
 *
 * Started by the bench (bench/src/phases/durable.ts) with durable-consumer.ts beside it; the
 * queue names come from BASELINE_PREFIX, like its keys.
 */
import { createServer, type ServerResponse } from 'node:http';
import { readEnv, SharedEnv } from '@seckill/env';
import { OrderPublisher, queueNames } from '@seckill/queue';
import { GOODS_ID, openSale, PATH, run, serve } from './bare.ts';

function answer(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

run(async () => {
  const { prefix, redis, stock } = await openSale();
  const e = readEnv(
    SharedEnv.pick({ AMQP_URL: true, AMQP_QUEUE_TYPE: true, PUBLISH_CONFIRM_TIMEOUT_MS: true }),
  );
  const publisher = new OrderPublisher({
    url: e.AMQP_URL,
    names: queueNames(prefix, e.AMQP_QUEUE_TYPE),
    confirmTimeoutMs: e.PUBLISH_CONFIRM_TIMEOUT_MS,
    groupCommit: true,
  });
  await publisher.start();
  if (!(await publisher.waitReady(10_000))) throw new Error('RabbitMQ is not reachable');

  let next = 0;
  const server = createServer((req, res) => {
    req.resume();
    next += 1;
    const n = next;
    stock
      .reserve(GOODS_ID, n, PATH, String(n))
      .then(async (r) => {
        if (r.outcome !== 'OK') return answer(res, 409, JSON.stringify({ code: r.outcome }));
        await publisher.publish({
          v: 1,
          orderId: String(n),
          userId: n,
          goodsId: GOODS_ID,
          price: r.price,
          round: r.round,
          reservedAt: Date.now(),
        });
        answer(res, 202, '{"status":"queued"}');
      })
      .catch(() => answer(res, 503, '{"code":"RETRY"}'));
  });
  serve(server, () => {
    void publisher.close();
    redis.disconnect();
  });
});
