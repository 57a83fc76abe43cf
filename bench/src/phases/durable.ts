import { deleteTopology, queueNames } from '@seckill/queue';
import type { NodeChild } from '@seckill/test-stack';
import { PROBE, probeCounts, type PublishCounts } from '../stack.ts';
import { BARE_GOODS_ID, bareEnv, barePrefix, loadBare, startBare } from './baseline.ts';
import { sleep, type Bench } from './context.ts';
import {
  ACCEPTED,
  durableFigures,
  mysqlOffset,
  publishedBetween,
  waitForCommits,
  type OrderStats,
} from './throughput.ts';

/** The durable limit's own table in the bench's database: its consumer creates it, the phase drops it. */
const TABLE = 'durable_baseline_orders';
const KIND = 'durable limit';

/**
 * The durable limit, in the same sitting as the baseline: the least any durable design does per
 * order on this machine. bench/baseline/durable-server.ts (node:http, one reserve.lua call, the
 * product's grouped and confirmed publish to an order queue of the stack's type) and
 * durable-consumer.ts (the product's batch caps, one multi-row INSERT per batch, acks after
 * commit), both metered, under the baseline's connections and request. Its accepted and durable
 * orders per second are read as the order phase reads its own (throughput.ts), from its table.
 */
export async function measureDurableLimit(b: Bench, token: string): Promise<OrderStats> {
  const prefix = barePrefix('durable');
  const { mysql, amqpUrl } = b.stack.target;
  const env: NodeJS.ProcessEnv = {
    ...bareEnv(b, prefix),
    AMQP_URL: amqpUrl,
    AMQP_QUEUE_TYPE: b.stack.settings.queueType,
    MYSQL_HOST: mysql.host,
    MYSQL_PORT: String(mysql.port),
    MYSQL_USER: mysql.user,
    MYSQL_PASSWORD: mysql.password,
    MYSQL_DATABASE: mysql.database,
    DURABLE_TABLE: TABLE,
  };
  // The server's publisher counters, printed by the same probe as the API's.
  let sent: PublishCounts | null = null;
  const readProbe = (line: string) => (sent = probeCounts(line) ?? sent);
  const children: NodeChild[] = [];
  try {
    const script = (name: string) => `bench/baseline/durable-${name}.ts`;
    const consumer = await startBare('durable consumer', script('consumer'), env);
    children.push(consumer.child);
    const server = await startBare('durable server', script('server'), env, readProbe, [PROBE]);
    children.push(server.child);
    b.pids.baseline = server.child.proc.pid;
    b.pids['baseline consumer'] = consumer.child.proc.pid;

    const sent0 = sent ?? { messages: 0, orders: 0 };
    const clock0 = await mysqlOffset(b);
    const title = 'durable limit: node:http + Lua + publish + INSERT';
    const port = Number(server.ready.port);
    const { recorder, stats } = await loadBare(b, title, port, KIND, token);
    const clock1 = await mysqlOffset(b);
    // Every publish of an answered order is confirmed by now; the probe prints within 100 ms.
    await sleep(250);
    const sent1: PublishCounts | null = sent;
    const published = sent1 ? publishedBetween(sent0, sent1) : null;
    const toWrite = Math.max(stats.answers[ACCEPTED] ?? 0, published?.orders ?? 0);
    await waitForCommits(b, `${KIND}: orders into MySQL`, [BARE_GOODS_ID], toWrite, TABLE);
    const durable = await durableFigures(b, {
      kind: KIND,
      recorder,
      stats,
      clocks: [clock0, clock1],
      sales: [BARE_GOODS_ID],
      table: TABLE,
      published,
    });
    return { ...stats, durable };
  } finally {
    delete b.pids.baseline;
    delete b.pids['baseline consumer'];
    await Promise.all(children.map((c) => c.stop()));
    await b.stack.removeKeys(prefix);
    await deleteTopology(amqpUrl, queueNames(prefix));
    await b.stack.db.query(`DROP TABLE IF EXISTS ${TABLE}`);
  }
}
