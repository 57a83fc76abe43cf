/**
 * What the two bare servers share (server.ts, today's baseline; durable-server.ts, the durable
 * limit): the sale they sell from, and how they listen, say their port and stop.
 *
 * The sale lives under BASELINE_PREFIX with stock enough for every request, and a one-time path
 * waits for each of BASELINE_PATHS buyers, so each call runs reserve.lua's whole success branch
 * (path, window, buyer, DECR, buyer mark) like a winning order.
 */
import type { Server } from 'node:http';
import { readEnv, SharedEnv } from '@seckill/env';
import { createRedis, StockStore } from '@seckill/stock';

export const GOODS_ID = 1;
export const PATH = 'baselinepath0123456789abcdefghij';

export async function openSale() {
  const prefix = process.env.BASELINE_PREFIX ?? 'baseline:';
  const paths = Number(process.env.BASELINE_PATHS ?? 200_000);
  // The same client settings as the API's (auto-pipelining on).
  const e = readEnv(SharedEnv.pick({ REDIS_URL: true, REDIS_CLUSTER_NODES: true }));
  const target = { redisUrl: e.REDIS_URL, redisClusterNodes: e.REDIS_CLUSTER_NODES };
  const redis = createRedis(target, {
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
  });
  const stock = new StockStore(redis, prefix);
  const now = Date.now();
  await stock.warm(
    {
      goodsId: GOODS_ID,
      startMs: now - 60_000,
      endMs: now + 3600_000,
      price: 100,
      round: 0,
      stock: 1_000_000_000,
    },
    { reset: true },
  );
  const keys = stock.keys(GOODS_ID);
  for (let from = 1; from <= paths; from += 10_000) {
    const p = redis.pipeline();
    for (let u = from; u < Math.min(from + 10_000, paths + 1); u += 1) {
      p.set(keys.path(u), PATH, 'PX', 600_000);
    }
    await p.exec();
  }
  return { prefix, redis, stock };
}

/** Listens on PORT (any free one by default), prints `{"port":N}`, and on SIGTERM/SIGINT runs `close` and exits. */
export function serve(server: Server, close: () => void) {
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const addr = server.address();
    console.log(JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0 }));
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Runs a bare process's main; a failure ends it with its message. */
export function run(main: () => Promise<void>) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
