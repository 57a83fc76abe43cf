import { createPool } from '@seckill/db';
import { OrderPublisher, queueNames } from '@seckill/queue';
import { createRedis, StockStore } from '@seckill/stock';
import type { ConsistencyReport } from '@seckill/contracts';
import { loadConfig } from '../config.ts';
import { checkSaleSettled } from '../seckill/consistency.ts';
import { GoodsStore } from '../stores/goods.ts';

/**
 * `pnpm verify [goodsId] [--json]`: waits until nothing is in flight, then prints each sale's
 * books and exits 1 if any sale is oversold, undersold or has a buyer with two orders.
 */
async function main() {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const only = args.find((a) => /^\d+$/.test(a));
  const config = loadConfig(process.env, { secrets: false });
  const db = createPool(config.mysql, { connectionLimit: 2 });
  const redis = createRedis(config, { maxRetriesPerRequest: 1 });
  const publisher = new OrderPublisher({
    url: config.amqpUrl,
    names: queueNames(config.prefix, config.queueType),
    confirmTimeoutMs: 3000,
  });
  try {
    await publisher.start();
    if (!(await publisher.waitReady(10_000))) throw new Error('RabbitMQ is not reachable');
    const stock = new StockStore(redis, config.prefix);
    const ids = only
      ? [Number(only)]
      : (await new GoodsStore(db).list()).map((g) => g.id).sort((a, b) => a - b);
    const reports: ConsistencyReport[] = [];
    for (const id of ids) {
      const r = await checkSaleSettled(db, stock, id, () => publisher.depth());
      if (!r) throw new Error(`no sale ${id}`);
      reports.push(r);
    }
    if (json) console.log(JSON.stringify(reports, null, 2));
    else print(reports);
    process.exitCode = reports.every((r) => r.exact) ? 0 : 1;
  } finally {
    await publisher.close();
    redis.disconnect();
    await db.end();
  }
}

function print(reports: ConsistencyReport[]) {
  console.table(
    reports.map((r) => ({
      sale: r.goodsId,
      stock: r.stockTotal,
      'left MySQL': r.stockLeftDb,
      'left Redis': r.stockLeftRedis ?? 'missing',
      sold: r.ordersDb,
      pending: r.pending,
      paid: r.paid,
      returned: r.returned,
      'buyers Redis': r.buyersRedis,
      queued: r.queue.ready,
      dead: r.queue.deadLetters,
      duplicates: r.duplicates,
      oversold: r.oversold,
      undersold: r.undersold,
      'debits − refunds': r.money.debits - r.money.refunds,
      'paid prices': r.money.paidPrices,
      'money wrong': r.money.mismatched + r.money.paidAndReturned,
      verdict: r.exact ? 'exact' : 'WRONG',
    })),
  );
  const wrong = reports.filter((r) => !r.exact);
  console.log(
    wrong.length ? `${wrong.length} sale(s) not exact` : `all ${reports.length} sale(s) exact`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(2);
});
