import type { ConsistencyReport } from '@seckill/contracts';
import type { QueueDepth } from '@seckill/queue';
import type { StockStore } from '@seckill/stock';
import type { Pool, RowDataPacket } from 'mysql2/promise';

export async function checkSale(
  db: Pool,
  stock: StockStore,
  goodsId: number,
  queue: QueueDepth,
): Promise<ConsistencyReport | null> {
  // The sale's row and its orders from one snapshot: read apart, a commit in between would show
  // drift that is not there.
  const conn = await db.getConnection();
  let goods: RowDataPacket[];
  let orders: RowDataPacket[];
  try {
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    [goods] = await conn.execute<RowDataPacket[]>(
      'SELECT name, stock_total, stock_left FROM goods WHERE id = ?',
      [goodsId],
    );
    [orders] = await conn.execute<RowDataPacket[]>(
      'SELECT user_id, COUNT(*) AS n FROM orders WHERE goods_id = ? GROUP BY user_id',
      [goodsId],
    );
    await conn.query('COMMIT');
  } catch (err) {
    await conn.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
  const g = goods[0];
  if (!g) return null;
  const k = stock.keys(goodsId);
  const [left, marks] = await Promise.all([stock.redis.get(k.stock), stock.redis.hkeys(k.buyers)]);

  const orderUsers = new Set(orders.map((r) => Number(r.user_id)));
  const ordersDb = orders.reduce((sum, r) => sum + Number(r.n), 0);
  const duplicates = orders.filter((r) => Number(r.n) > 1).length;
  const markSet = new Set(marks.map(Number));
  const markedWithoutOrder = [...markSet].filter((u) => !orderUsers.has(u)).length;
  const ordersWithoutMark = [...orderUsers].filter((u) => !markSet.has(u)).length;
  const stockTotal = Number(g.stock_total);
  const stockLeftRedis = left === null ? null : Number(left);

  // Every unit is sold (an order), held (a mark without order) or for sale (the Redis counter).
  // What is none of these can no longer be sold: it is lost, like a held unit that never becomes an order.
  const forSale = stockLeftRedis ?? 0;
  const unaccounted = stockTotal - ordersDb - markedWithoutOrder - forSale;
  const undersold = markedWithoutOrder + Math.max(0, unaccounted);
  const oversold = Math.max(0, ordersDb - stockTotal);
  return {
    goodsId,
    name: String(g.name),
    stockTotal,
    stockLeftDb: Number(g.stock_left),
    stockLeftRedis,
    ordersDb,
    buyersRedis: markSet.size,
    markedWithoutOrder,
    ordersWithoutMark,
    queue: { ready: queue.ready, deadLetters: queue.deadLetters },
    redisAhead: Math.max(0, -unaccounted),
    duplicates,
    oversold,
    undersold,
    exact: oversold === 0 && undersold === 0 && duplicates === 0,
  };
}

/** Polls until the queue is empty and the books stop moving, then reads the report. */
export async function checkSaleSettled(
  db: Pool,
  stock: StockStore,
  goodsId: number,
  depth: () => Promise<QueueDepth>,
  opts: { timeoutMs: number; quietMs: number } = { timeoutMs: 30_000, quietMs: 1000 },
): Promise<ConsistencyReport | null> {
  const until = Date.now() + opts.timeoutMs;
  let last = '';
  let quietSince = Date.now();
  for (;;) {
    // The broker may be on its way back (a restart): what is in flight is unknown until it answers.
    const q = await depth().catch(() => null);
    if (!q) {
      if (Date.now() > until)
        throw new Error('RabbitMQ did not answer: cannot tell what is in flight');
      await new Promise((res) => setTimeout(res, 500));
      continue;
    }
    const r = await checkSale(db, stock, goodsId, q);
    if (!r) return null;
    const sig = `${q.ready}/${r.ordersDb}/${r.buyersRedis}/${r.stockLeftRedis}/${r.markedWithoutOrder}`;
    if (sig !== last) {
      last = sig;
      quietSince = Date.now();
    }
    const settled = q.ready === 0 && Date.now() - quietSince >= opts.quietMs;
    if (settled || Date.now() > until) return r;
    await new Promise((res) => setTimeout(res, 200));
  }
}
