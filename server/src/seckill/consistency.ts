import type { ConsistencyReport } from '@seckill/contracts';
import type { QueueDepth } from '@seckill/queue';
import type { StockStore } from '@seckill/stock';
import { selectRoundOrdersByBuyer, selectSaleMoney, selectStockBooks } from '@seckill/db';
import type { Pool, RowDataPacket } from 'mysql2/promise';

/**
 * One sale's books, MySQL against Redis, and its money. Pending and paid orders count as sold,
 * cancelled and expired ones as returned (their units are for sale again).
 */
export async function checkSale(
  db: Pool,
  stock: StockStore,
  goodsId: number,
  queue: QueueDepth,
): Promise<ConsistencyReport | null> {
  // The sale's row, its orders and its money from one snapshot: read apart, a commit in between
  // would show drift that is not there.
  const conn = await db.getConnection();
  let goods: RowDataPacket[];
  let orders: RowDataPacket[];
  let money: RowDataPacket[];
  try {
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    goods = await selectStockBooks(conn, goodsId);
    orders = await selectRoundOrdersByBuyer(conn, goodsId);
    money = await selectSaleMoney(conn, goodsId);
    await conn.query('COMMIT');
  } catch (err) {
    await conn.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
  const g = goods[0];
  if (!g) return null;
  const [left, marks] = await Promise.all([stock.stockLeft([goodsId]), stock.buyerMarks(goodsId)]);

  const liveByUser = new Map<number, number>();
  const byStatus = { pending_payment: 0, paid: 0, cancelled: 0, expired: 0 };
  for (const r of orders) {
    const n = Number(r.n);
    byStatus[r.status as keyof typeof byStatus] += n;
    if (r.status === 'pending_payment' || r.status === 'paid') {
      const u = Number(r.user_id);
      liveByUser.set(u, (liveByUser.get(u) ?? 0) + n);
    }
  }
  const ordersDb = byStatus.pending_payment + byStatus.paid;
  const duplicates = [...liveByUser.values()].filter((n) => n > 1).length;
  const markedWithoutOrder = [...marks.keys()].filter((u) => !liveByUser.has(u)).length;
  const ordersWithoutMark = [...liveByUser.keys()].filter((u) => !marks.has(u)).length;
  const stockTotal = Number(g.stock_total);
  const stockLeftRedis = left.get(goodsId) ?? null;

  // Every unit is sold (a live order), held (a mark without order) or for sale (the Redis counter).
  // What is none of these can no longer be sold: it is lost, like a held unit that never becomes an order.
  const forSale = stockLeftRedis ?? 0;
  const unaccounted = stockTotal - ordersDb - markedWithoutOrder - forSale;
  const undersold = markedWithoutOrder + Math.max(0, unaccounted);
  const oversold = Math.max(0, ordersDb - stockTotal);
  const m: RowDataPacket = money[0] ?? ({} as RowDataPacket);
  const debits = Number(m.debits ?? 0);
  const refunds = Number(m.refunds ?? 0);
  const paidPrices = Number(m.paid_prices ?? 0);
  const mismatched = Number(m.mismatched ?? 0) + (debits - refunds === paidPrices ? 0 : 1);
  const paidAndReturned = Number(m.paid_and_returned ?? 0);
  return {
    goodsId,
    name: String(g.name),
    stockTotal,
    stockLeftDb: Number(g.stock_left),
    stockLeftRedis,
    ordersDb,
    pending: byStatus.pending_payment,
    paid: byStatus.paid,
    returned: byStatus.cancelled + byStatus.expired,
    buyersRedis: marks.size,
    markedWithoutOrder,
    ordersWithoutMark,
    queue: { ready: queue.ready, deadLetters: queue.deadLetters },
    redisAhead: Math.max(0, -unaccounted),
    duplicates,
    oversold,
    undersold,
    money: { debits, refunds, paidPrices, mismatched, paidAndReturned },
    exact:
      oversold === 0 &&
      undersold === 0 &&
      duplicates === 0 &&
      mismatched === 0 &&
      paidAndReturned === 0 &&
      Number(g.stock_left) === stockTotal - ordersDb,
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
