/**
 * The baseline: a bare node:http server whose handler makes exactly one call of the order Lua
 * script (packages/stock/src/lua/reserve.lua, through StockStore) and answers JSON. No framework,
 * no token check, no queue: the most this machine gives an order request in Node.
 *
 * Started by the bench. Its sale lives under BASELINE_PREFIX with stock enough for every request,
 * and a one-time path waits for each of BASELINE_PATHS buyers, so each call runs the script's
 * whole success branch (path, window, buyer, DECR, buyer mark) like a winning order.
 */
import { createServer } from 'node:http';
import { readEnv, SharedEnv } from '@seckill/env';
import { createRedis, StockStore } from '@seckill/stock';

const GOODS_ID = 1;
const PATH = 'baselinepath0123456789abcdefghij';

async function main() {
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

  let next = 0;
  const server = createServer((req, res) => {
    req.resume();
    next += 1;
    const n = next;
    stock.reserve(GOODS_ID, n, PATH, String(n)).then(
      (r) => {
        res.writeHead(r.outcome === 'OK' ? 202 : 409, { 'content-type': 'application/json' });
        res.end(r.outcome === 'OK' ? '{"status":"queued"}' : JSON.stringify({ code: r.outcome }));
      },
      () => {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"code":"RETRY"}');
      },
    );
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const addr = server.address();
    console.log(JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0 }));
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    redis.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
