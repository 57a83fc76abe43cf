import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

async function scrape(port: number | null): Promise<string> {
  if (port === null) throw new Error('no metrics port');
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return res.text();
}

/** The value of one series in a scrape, 0 when absent. */
function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('metrics and the live view', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  it('counts orders in both registries and sums them in /api/admin/live', async () => {
    const N = 12;
    const S = 5;
    const sale = await h.createSale({ stock: S });
    const shoppers = await h.createUsers(N);
    const [admin] = await h.createUsers(1, 'admin', 'a');
    // Every path first (issued while stock is left), so all N sold-out answers come from the order.
    const paths = await Promise.all(shoppers.map((u) => h.path(sale.id, u.token)));
    expect(paths.every((p) => p.status === 200)).toBe(true);
    const answers = await Promise.all(
      shoppers.map((u, i) =>
        h.request('POST', `/api/seckill/${sale.id}/${paths[i]?.body.path}/order`, {
          token: u.token,
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 202)).toHaveLength(S);
    expect(answers.filter((a) => a.body?.code === 'SOLD_OUT')).toHaveLength(N - S);

    const consumerPort = h.consumer?.metrics.port ?? null;
    const c = await h.waitFor(
      () => scrape(consumerPort),
      (t) => value(t, 'seckill_orders_committed_total') === S,
    );
    expect(value(c, 'seckill_orders_committed_total')).toBe(S);
    const api = await scrape(h.s.metrics.port);
    expect(value(api, 'seckill_reservations_total{outcome="OK"}')).toBe(S);
    expect(
      value(
        api,
        'seckill_http_requests_total{route="/api/seckill/:goodsId/:path/order",method="POST",status="202"}',
      ),
    ).toBe(S);
    expect(api).not.toContain(`/api/seckill/${sale.id}/`);

    const live = await h.waitFor(
      () => h.request('GET', '/api/admin/live?window=60', { token: admin?.token }),
      (r) =>
        r.status === 200 &&
        sum(r.body.seconds, 'committed') === S &&
        sum(r.body.seconds, 'accepted') === S &&
        sum(r.body.seconds, 'soldOut') === N - S,
    );
    expect(live.status).toBe(200);
    expect(live.body.seconds).toHaveLength(60);
    expect(sum(live.body.seconds, 'accepted')).toBe(S);
    expect(sum(live.body.seconds, 'committed')).toBe(S);
    expect(sum(live.body.seconds, 'soldOut')).toBe(N - S);
    const kinds = live.body.instances.map((i: { kind: string }) => i.kind);
    expect(kinds).toEqual(expect.arrayContaining(['api', 'consumer']));
    expect(live.body.stock.find((g: { goodsId: number }) => g.goodsId === sale.id)).toMatchObject({
      stockTotal: S,
      stockLeft: 0,
    });
  });

  it('refuses shoppers and bad windows', async () => {
    const [shopper] = await h.createUsers(1);
    const [admin] = await h.createUsers(1, 'admin', 'b');
    expect((await h.request('GET', '/api/admin/live')).status).toBe(401);
    expect((await h.request('GET', '/api/admin/live', { token: shopper?.token })).status).toBe(403);
    for (const w of ['5', 'abc']) {
      const r = await h.request('GET', `/api/admin/live?window=${w}`, { token: admin?.token });
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('VALIDATION');
    }
  });
});

function sum(seconds: Array<Record<string, number>>, field: string): number {
  return seconds.reduce((n, s) => n + (s[field] ?? 0), 0);
}
