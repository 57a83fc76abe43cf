import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

const USERS = 2000;
const STOCK = 200;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe('a burst of distinct shoppers', () => {
  it(`sells exactly ${STOCK} units to ${USERS} shoppers ordering at once, one each`, async () => {
    const sale = await h.createSale({ stock: STOCK });
    const users = await h.createUsers(USERS);
    const paths = await Promise.all(users.map((u) => h.path(sale.id, u.token)));
    const started = Date.now();
    const answers = await Promise.all(
      users.map((u, i) => {
        const p = paths[i];
        if (p?.status !== 200) return p;
        return h.request('POST', `/api/seckill/${sale.id}/${p.body.path}/order`, {
          token: u.token,
        });
      }),
    );
    const answeredMs = Date.now() - started;
    const byStatus = new Map<string, number>();
    for (const a of answers) {
      const key = `${a?.status} ${a?.body?.code ?? a?.body?.status}`;
      byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
    }
    const queued = users.filter((_, i) => answers[i]?.status === 202);
    expect(queued).toHaveLength(STOCK);
    expect([...byStatus.keys()].sort()).toEqual(['202 queued', '409 SOLD_OUT']);

    const rows = await h.waitFor(
      () => h.query('SELECT COUNT(*) AS n FROM orders WHERE goods_id = ?', [sale.id]),
      (r) => Number(r[0].n) >= STOCK,
      30_000,
    );
    const committedMs = Date.now() - started;
    expect(Number(rows[0].n)).toBe(STOCK);
    await h.consumer?.consumer.drain();
    const [count] = await h.query(
      'SELECT COUNT(*) AS n, COUNT(DISTINCT user_id) AS buyers FROM orders WHERE goods_id = ?',
      [sale.id],
    );
    expect([Number(count.n), Number(count.buyers)]).toEqual([STOCK, STOCK]);
    const [g] = await h.query('SELECT stock_left FROM goods WHERE id = ?', [sale.id]);
    expect(g.stock_left).toBe(0);
    expect(await h.s.redis.get(h.s.stock.keys(sale.id).stock)).toBe('0');

    const buyerIds = new Set(
      (await h.query('SELECT user_id FROM orders WHERE goods_id = ?', [sale.id])).map((r) =>
        Number(r.user_id),
      ),
    );
    const results = await Promise.all(
      queued.map((u) => h.request('GET', `/api/seckill/${sale.id}/result`, { token: u.token })),
    );
    expect(results.every((r) => r.body.status === 'success')).toBe(true);
    expect(queued.every((u) => buyerIds.has(u.id))).toBe(true);

    console.log(
      `[concurrency] ${USERS} shoppers, ${STOCK} units: all orders answered in ${answeredMs} ms, ` +
        `last order in MySQL after ${committedMs} ms; answers ${JSON.stringify(Object.fromEntries(byStatus))}`,
    );
  });
});
