import { createRedis, scanKeys } from '@seckill/stock';
import { Cluster } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/services.ts';
import { startHarness, type Harness } from '../harness.ts';

// Run by vitest.cluster.config.ts with the local cluster up (scripts/redis-cluster.sh).
const NODES = process.env.REDIS_CLUSTER_NODES ?? '';
const SHOPPERS = 300;
const STOCK = 100;

let h: Harness;
let adminToken = '';
beforeAll(async () => {
  if (!NODES) throw new Error('REDIS_CLUSTER_NODES is not set: run with vitest.cluster.config.ts');
  h = await startHarness({ env: { REDIS_CLUSTER_NODES: NODES } });
  adminToken = (await h.createUsers(1, 'admin', 'boss'))[0]?.token ?? '';
});

afterAll(async () => {
  const prefix = h?.prefix;
  await h?.close();
  if (!prefix) return;
  // The harness's clean-up must have reached every master, not one.
  const redis = createRedis({ redisUrl: '', redisClusterNodes: h.config.redisClusterNodes });
  const left: string[] = [];
  await scanKeys(redis, `${prefix}*`, async (keys) => void left.push(...keys));
  await redis.quit();
  expect(left).toEqual([]);
});

const openStream = (token: string, goods: number[] = [], port?: number) =>
  h.openEvents(token, goods, port);

describe('the shop on a Redis Cluster', () => {
  it('talks to the cluster, whose keys of several sales lie on several masters', async () => {
    expect(h.s.redis).toBeInstanceOf(Cluster);
    const cluster = h.s.redis as Cluster;
    for (let i = 0; i < 6; i += 1) await h.createSale({ stock: 1 });
    const holders = await Promise.all(
      cluster.nodes('master').map(async (node) => {
        const [, keys] = await node.scan('0', 'MATCH', `${h.prefix}*`, 'COUNT', 10_000);
        return keys.length;
      }),
    );
    expect(holders.filter((n) => n > 0).length).toBeGreaterThan(1);
  });

  it(`sells exactly ${STOCK} units to ${SHOPPERS} shoppers at once and pushes the result over pub/sub`, async () => {
    const sale = await h.createSale({ stock: STOCK });
    const users = await h.createUsers(SHOPPERS);
    const watcher = users[0];
    if (!watcher) throw new Error('no users');
    const stream = await openStream(watcher.token, [sale.id]);
    expect(await stream.until((e) => e.type === 'hello')).toBeTruthy();

    // The watcher orders first, so it is sure to win a unit and hear its result pushed.
    const first = await h.order(sale.id, watcher.token);
    expect(first.status).toBe(202);
    const crowd = users.slice(1);
    const paths = await Promise.all(crowd.map((u) => h.path(sale.id, u.token)));
    expect(paths.every((p) => p.status === 200)).toBe(true);
    const rest = await Promise.all(
      crowd.map((u, i) =>
        h.request('POST', `/api/seckill/${sale.id}/${paths[i]?.body.path}/order`, {
          token: u.token,
        }),
      ),
    );
    const answers = [first, ...rest];
    const count = (status: number, code: string) =>
      answers.filter((a) => a.status === status && (a.body.status ?? a.body.code) === code).length;
    expect([count(202, 'queued'), count(409, 'SOLD_OUT')]).toEqual([STOCK, SHOPPERS - STOCK]);

    await h.waitFor(
      () => h.query('SELECT COUNT(*) AS n FROM orders WHERE goods_id = ?', [sale.id]),
      (r) => Number(r[0].n) >= STOCK,
      30_000,
    );
    await h.consumer?.consumer.drain();
    const [orders] = await h.query(
      'SELECT COUNT(*) AS n, COUNT(DISTINCT user_id) AS buyers FROM orders WHERE goods_id = ?',
      [sale.id],
    );
    expect([Number(orders.n), Number(orders.buyers)]).toEqual([STOCK, STOCK]);
    const [g] = await h.query('SELECT stock_left FROM goods WHERE id = ?', [sale.id]);
    expect(g.stock_left).toBe(0);
    expect(await h.s.redis.get(h.s.stock.keys(sale.id).stock)).toBe('0');

    const report = await h.waitFor(
      async () =>
        (await h.request('GET', `/api/admin/goods/${sale.id}/consistency`, { token: adminToken }))
          .body.report,
      (r) => r?.exact === true,
    );
    expect(report).toMatchObject({
      stockTotal: STOCK,
      stockLeftDb: 0,
      stockLeftRedis: 0,
      ordersDb: STOCK,
      buyersRedis: STOCK,
      oversold: 0,
      undersold: 0,
      duplicates: 0,
      exact: true,
    });

    // The watcher's outcome went consumer → cluster PUBLISH → the API's subscriber → the stream.
    const result = await stream.until((e) => e.type === 'result');
    expect(result).toMatchObject({ goodsId: sale.id, status: 'success' });
    const [mine] = await h.query('SELECT id FROM orders WHERE goods_id = ? AND user_id = ?', [
      sale.id,
      watcher.id,
    ]);
    expect(String(result?.orderId)).toBe(String(mine.id));
    expect(await stream.until((e) => e.type === 'stock' && e.stockLeft === 0)).toBeTruthy();
    stream.close();
    // The live view's per-second buckets (one hash tag, one slot) add up on the cluster too.
    type Second = { accepted: number; committed: number };
    const total = (r: { body: { seconds: Second[] } }, k: keyof Second) =>
      r.body.seconds.reduce((n, x) => n + x[k], 0);
    const live = await h.waitFor(
      () => h.request('GET', '/api/admin/live?window=120', { token: adminToken }),
      // Each process adds its second's tally once a second: the API's accepted orders and the
      // consumer's commits can land in either order.
      (r) => r.status === 200 && total(r, 'committed') >= STOCK && total(r, 'accepted') >= STOCK,
    );
    expect([total(live, 'accepted'), total(live, 'committed')]).toEqual([STOCK, STOCK]);
  });

  it('ends a logged-out token on the cluster too (revocations scanned from every master)', async () => {
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    expect((await h.request('GET', '/api/me', { token: u.token })).status).toBe(200);
    expect((await h.request('POST', '/api/auth/logout', { token: u.token })).status).toBe(204);
    expect((await h.request('GET', '/api/me', { token: u.token })).status).toBe(401);
    // A later instance loads the revocation from the cluster.
    const later = await createServices(h.config, pino({ level: 'silent' }));
    try {
      expect(() => later.tokens.verify(u.token)).toThrow();
    } finally {
      await later.close();
    }
  });
});
