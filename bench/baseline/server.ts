/**
 * The baseline: a bare node:http server whose handler makes exactly one call of the order Lua
 * script (packages/stock/src/lua/reserve.lua, through StockStore) and answers JSON. No framework,
 * no token check, no queue: the most this machine gives an order request in Node.
 *
 * Started by the bench (bench/src/phases/baseline.ts); its sale is bare.ts's.
 */
import { createServer } from 'node:http';
import { GOODS_ID, openSale, PATH, run, serve } from './bare.ts';

run(async () => {
  const { redis, stock } = await openSale();
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
  serve(server, () => redis.disconnect());
});
