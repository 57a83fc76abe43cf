import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saleKeys } from '@seckill/stock';
import { pool } from '@seckill/test-stack';
import { createHttpServer } from '../src/app.ts';
import { createServices } from '../src/services.ts';
import { startHarness, type Harness } from './harness.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Spearman's rank correlation of two rankings of the same items (no ties). */
function spearman(a: number[], b: number[]): number {
  const n = a.length;
  let d2 = 0;
  for (let i = 0; i < n; i += 1) d2 += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
  return 1 - (6 * d2) / (n * (n * n - 1));
}

describe('the waiting room, one shopper at a time', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      env: {
        QUEUE_TICK_MS: '50',
        // Long enough that no step races it; the lapse test ends admissions itself.
        QUEUE_ADMISSION_TTL_MS: '120000',
        QUEUE_ADMIT_PER_SECOND: '100',
        LIMIT_QUEUE_PER_USER: '0',
      },
    });
  });
  afterAll(async () => h?.close());

  const queue = (method: 'GET' | 'POST', id: number, token?: string) =>
    h.request(method, `/api/seckill/${id}/queue`, token ? { token } : {});

  it('opens before the start, draws at the start, and gives paths only to the admitted', async () => {
    // Its room is open (it opens 10 minutes before); the test starts the sale itself, below.
    const soon = await h.createSale({
      stock: 3,
      waitingRoom: true,
      startAt: new Date(Date.now() + 5 * 60_000).toISOString(),
    });
    const later = await h.createSale({
      waitingRoom: true,
      startAt: new Date(Date.now() + 20 * 60_000).toISOString(),
    });
    const plain = await h.createSale({ stock: 3 });
    const [a, b] = await h.createUsers(2);
    const [admin] = await h.createUsers(1, 'admin', 'boss');
    if (!a || !b || !admin) throw new Error('no users');

    expect((await queue('POST', soon.id)).status).toBe(401);
    const early = await queue('POST', later.id, a.token);
    expect([early.status, early.body.code]).toEqual([403, 'NOT_STARTED']);
    expect((await queue('POST', plain.id, a.token)).status).toBe(404);
    expect((await queue('GET', plain.id, a.token)).status).toBe(404);
    expect((await queue('POST', 999_999, a.token)).status).toBe(404);

    const joined = await queue('POST', soon.id, a.token);
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ status: 'waiting', position: null });
    expect(joined.body.etaSeconds).toBeGreaterThanOrEqual(1);
    expect((await queue('POST', soon.id, a.token)).body).toMatchObject({ status: 'waiting' });
    expect((await queue('GET', soon.id, b.token)).body).toMatchObject({ status: 'none' });
    const sale = (await h.request('GET', `/api/goods/${soon.id}`)).body.item;
    expect(sale).toMatchObject({ waitingRoom: true });
    expect(Date.parse(sale.startAt) - Date.parse(sale.queueOpensAt)).toBe(10 * 60_000);

    // Before the start the window answers first; after it, the room.
    expect((await h.path(soon.id, a.token)).body.code).toBe('NOT_STARTED');
    const { id, stock: _stock, ...details } = soon;
    const started = await h.request('PUT', `/api/admin/goods/${id}`, {
      token: admin.token,
      body: { ...details, startAt: new Date().toISOString() },
    });
    expect(started.status).toBe(200);
    const admitted = await h.waitFor(
      () => queue('GET', soon.id, a.token),
      (r) => r.body.status === 'admitted',
    );
    expect(admitted.body.status).toBe('admitted');
    expect(Date.parse(admitted.body.admittedUntil)).toBeGreaterThan(Date.now());
    // The load-test key skips the captcha, not the room.
    const refused = await h.path(soon.id, b.token);
    expect([refused.status, refused.body.code]).toEqual([403, 'NOT_ADMITTED']);
    const order = await h.order(soon.id, a.token);
    expect(order.status).toBe(202);
    // A sale without a room sells as before.
    expect((await h.order(plain.id, b.token)).status).toBe(202);
  });

  it('lapses unused admissions to the next shopper, tells the line "sold out" at once, and admits again when a unit comes back', async () => {
    const sale = await h.createSale({ stock: 1, waitingRoom: true });
    const users = await h.createUsers(5);
    const [u3, u4, u5, u6, u7] = users;
    if (!u3 || !u4 || !u5 || !u6 || !u7) throw new Error('no users');
    // After the start, arrivals queue in order; at most twice the units left are admitted unused.
    for (const u of users) expect((await queue('POST', sale.id, u.token)).status).toBe(200);
    const stream = await h.openEvents(u7.token, [sale.id]);
    const places = async () =>
      Promise.all(users.map(async (u) => (await queue('GET', sale.id, u.token)).body));
    // The five reads are not one snapshot: wait until both of the first two read admitted (a read
    // of the first may come just before the round that admits them both).
    const admittedAt = (p: Array<{ status: string }>, ...i: number[]) =>
      i.every((n) => p[n]?.status === 'admitted');
    let now = await h.waitFor(places, (p) => admittedAt(p, 0, 1));
    expect(now.map((p) => p.status)).toEqual([
      'admitted',
      'admitted',
      'waiting',
      'waiting',
      'waiting',
    ]);
    expect(now.slice(2).map((p) => p.position)).toEqual([1, 2, 3]);
    // Two admitted and unused hold the cap of one unit: no estimate rather than a wrong one.
    expect(now.slice(2).map((p) => p.etaSeconds)).toEqual([null, null, null]);
    expect(await stream.until((e) => e.type === 'queue' && e.position === 3)).toBeTruthy();

    // Nobody uses theirs: their time runs out (set to the past, as the clock would) and the next
    // two are admitted.
    await h.s.redis.zadd(saleKeys(h.prefix, sale.id).roomAdmitted, 0, u3.id, 0, u4.id);
    now = await h.waitFor(places, (p) => admittedAt(p, 2, 3));
    expect(now.map((p) => p.status)).toEqual(['none', 'none', 'admitted', 'admitted', 'waiting']);
    expect(now[4]?.position).toBe(1);
    const lapsedFigures = await h.s.room.figures(sale.id);
    expect(lapsedFigures).toMatchObject({ lapsed: 2, admittedTotal: 4, waiting: 1, admitted: 2 });

    const bought = await h.order(sale.id, u5.token);
    expect(bought.status).toBe(202);
    const soldOut = await stream.until((e) => e.type === 'queue' && e.status === 'sold_out', 5000);
    expect(soldOut).toMatchObject({ goodsId: sale.id, status: 'sold_out' });
    expect((await queue('GET', sale.id, u6.token)).body.status).toBe('sold_out');
    expect((await queue('POST', sale.id, u3.token)).body.status).toBe('sold_out');
    expect((await h.path(sale.id, u6.token)).body.code).toBe('SOLD_OUT');

    // u5 cancels: the unit is back and the room admits the next in line.
    const result = await h.waitFor(
      () => h.request('GET', `/api/seckill/${sale.id}/result`, { token: u5.token }),
      (r) => r.body.status === 'success',
    );
    const cancel = await h.request('POST', `/api/orders/${result.body.orderId}/cancel`, {
      token: u5.token,
    });
    expect(cancel.status).toBe(200);
    // Giving the unit up gives up the admission too: the unit goes to the line.
    expect((await queue('GET', sale.id, u5.token)).body.status).toBe('none');
    const back = await stream.until((e) => e.type === 'queue' && e.status === 'admitted', 5000);
    expect(back).toMatchObject({ status: 'admitted' });
    expect((await h.order(sale.id, u7.token)).status).toBe(202);
    stream.close();
  });
});

describe('fairness: 1,000 shoppers join before the start', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      env: {
        QUEUE_TICK_MS: '50',
        QUEUE_ADMIT_PER_SECOND: '2000',
        QUEUE_ADMISSION_TTL_MS: '120000',
        LIMIT_QUEUE_PER_USER: '0',
        LIMIT_PATH_PER_USER: '0',
      },
    });
  });
  afterAll(async () => h?.close());

  it('admits in an order unrelated to the join order, each once, and sells exactly the stock', async () => {
    const N = 1000;
    const STOCK = 300;
    const users = await h.createUsers(N);
    const sale = await h.createSale({
      stock: STOCK,
      waitingRoom: true,
      startAt: new Date(Date.now() + 5 * 60_000).toISOString(),
    });
    // They join one after another over the seconds before the start, in a known order; then the
    // start is moved to just after the last join (however slow the machine was).
    const joinSpreadMs = 4000;
    const t0 = Date.now();
    for (const [i, u] of users.entries()) {
      const r = await h.request('POST', `/api/seckill/${sale.id}/queue`, { token: u.token });
      expect(r.body).toMatchObject({ status: 'waiting', position: null });
      const due = t0 + ((i + 1) * joinSpreadMs) / N;
      if (Date.now() < due) await sleep(due - Date.now());
    }
    // Nobody joins after this, so it does not matter whether the start has passed by the time it
    // is written: the room draws once it reads it, with every shopper among the early ones.
    const startAt = Date.now() + 300;
    await h.query('UPDATE goods SET start_at = ? WHERE id = ?', [new Date(startAt), sale.id]);
    const row = await h.s.goods.get(sale.id);
    if (!row) throw new Error('sale gone');
    await h.s.reconciler.load(row, false);
    h.s.catalog.invalidate();

    // Each shopper polls until admitted (then buys) or told sold out.
    let lastSoldOutAt = 0;
    let soldOutAt = 0;
    let requests = 0;
    // Every shopper at once: a bounded pool would let those far back in the line, who wait until
    // the sell-out, hold every slot while admitted shoppers wait for one (and the stock never goes).
    const outcomes = await pool(users, users.length, async (u) => {
      for (;;) {
        requests += 1;
        const q = await h.request('GET', `/api/seckill/${sale.id}/queue`, { token: u.token });
        if (q.body.status === 'sold_out') {
          lastSoldOutAt = Math.max(lastSoldOutAt, Date.now());
          return 'sold_out';
        }
        if (q.body.status === 'admitted') {
          requests += 2;
          const o = await h.order(sale.id, u.token);
          if (o.status === 202) return 'queued';
          expect(o.body.code).toBe('SOLD_OUT');
          soldOutAt ||= Date.now();
          return 'sold_out';
        }
        expect(q.body.status).toBe('waiting');
        await sleep(Date.now() < startAt ? Math.max(50, startAt - Date.now()) : 250);
      }
    });
    const queued = outcomes.filter((o) => o === 'queued').length;
    expect(queued).toBe(STOCK);

    // The whole order: admissions first, then the line as it stands.
    const order = await h.s.room.admissionOrder(sale.id);
    expect(new Set(order).size).toBe(order.length);
    const info = await h.s.redis.hgetall(saleKeys(h.prefix, sale.id).roomInfo);
    expect(Number(info.admitted)).toBe(order.length);
    expect(Number(info.drawnCount)).toBe(N);
    const line = await h.s.redis.zrange(saleKeys(h.prefix, sale.id).roomLine, '0', '-1');
    const ranking = [...order, ...line.map((x) => Number(x))];
    expect(new Set(ranking).size).toBe(N);
    const joinRank = new Map(users.map((u, i) => [u.id, i]));
    const rho = spearman(
      ranking.map((id) => joinRank.get(id) ?? -1),
      ranking.map((_, i) => i),
    );
    // Among the admitted alone, too.
    const rhoAdmitted = spearman(
      order
        .map((id) => joinRank.get(id) ?? -1)
        .map(rankOf(order.map((id) => joinRank.get(id) ?? -1))),
      order.map((_, i) => i),
    );
    console.log(
      `[room-fairness] ${N} joined over ${joinSpreadMs} ms before the start; Spearman rho(join order, admission order) = ${rho.toFixed(4)} over all ${N}, ${rhoAdmitted.toFixed(4)} over the ${order.length} admitted; orders ${queued}/${STOCK}; last shopper told sold out ${lastSoldOutAt - startAt} ms after the start; ${(requests / N).toFixed(1)} requests per shopper`,
    );
    expect(Math.abs(rho)).toBeLessThan(0.1);
    expect(Math.abs(rhoAdmitted)).toBeLessThan(0.15);

    // Nobody is left waiting, and the books hold exactly the stock.
    const after = await pool(
      users,
      100,
      async (u) =>
        (await h.request('GET', `/api/seckill/${sale.id}/queue`, { token: u.token })).body.status,
    );
    expect(after.filter((s) => s === 'waiting')).toHaveLength(0);
    const rows = await h.waitFor(
      () => h.query('SELECT user_id FROM orders WHERE goods_id = ?', [sale.id]),
      (r) => r.length >= STOCK,
    );
    expect(rows).toHaveLength(STOCK);
    expect(new Set(rows.map((r) => r.user_id)).size).toBe(STOCK);
  }, 90_000);
});

/** Maps each value to its rank (0-based) among `values`. */
function rankOf(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = new Map(sorted.map((v, i) => [v, i]));
  return (v: number) => rank.get(v) ?? -1;
}

describe('two API instances and a reset in the middle', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      env: {
        QUEUE_TICK_MS: '50',
        QUEUE_ADMIT_PER_SECOND: '150',
        QUEUE_ADMISSION_TTL_MS: '60000',
        LIMIT_QUEUE_PER_USER: '0',
        LIMIT_PATH_PER_USER: '0',
      },
    });
  });
  afterAll(async () => h?.close());

  it('run one admission sequence: no one admitted twice, exact books in both rounds', async () => {
    const other = await createServices(h.config, pino({ level: 'silent' }));
    const server = createHttpServer(other).listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    const ports = [h.port, (server.address() as AddressInfo).port];
    try {
      const STOCK = 40;
      const [admin] = await h.createUsers(1, 'admin', 'boss');
      const users = await h.createUsers(300);
      if (!admin) throw new Error('no admin');
      const sale = await h.createSale({ stock: STOCK, waitingRoom: true });
      // As the admin's create does: every instance hears of the new sale.
      await h.s.events.announce({ type: 'changed', goodsId: sale.id });
      await h.waitFor(() => other.catalog.exists(sale.id), Boolean);
      const via = (i: number) => ports[i % 2] as number;
      const call = (i: number, method: string, path: string, token: string) =>
        h.request(method, path, { token, port: via(i) });
      // The first shopper's stream is on the other instance: its admission reaches it there.
      const first = users[0];
      if (!first) throw new Error('no users');
      const stream = await h.openEvents(first.token, [sale.id], ports[1]);
      for (const [i, u] of users.entries())
        expect((await call(i, 'POST', `/api/seckill/${sale.id}/queue`, u.token)).status).toBe(200);
      expect(
        await stream.until((e) => e.type === 'queue' && e.status === 'admitted', 5000),
      ).toMatchObject({ goodsId: sale.id, status: 'admitted' });
      stream.close();

      let reset: Promise<unknown> | null = null;
      let queuedBefore = 0;
      // While the reset runs the stock is briefly gone: shoppers are told so, then admitted again.
      let resetDone = false;
      const outcomes = await pool(users, users.length, async (u, i) => {
        for (let n = 0; ; n += 1) {
          const q = await call(i + n, 'GET', `/api/seckill/${sale.id}/queue`, u.token);
          if (q.body.status === 'sold_out' && resetDone) return 'sold_out';
          if (q.body.status === 'admitted') {
            const o = await h.order(sale.id, u.token);
            if (o.status === 202) {
              queuedBefore += reset ? 0 : 1;
              // Half-way through the first round, the admin resets the stock.
              if (!reset && queuedBefore === STOCK / 2)
                reset = h
                  .request('POST', `/api/admin/goods/${sale.id}/reset`, {
                    token: admin.token,
                    body: { stock: STOCK },
                  })
                  .then((r) => {
                    expect(r.status).toBe(200);
                    resetDone = true;
                  });
              return reset ? 'queued_after_reset' : 'queued';
            }
            if (o.body.code === 'SOLD_OUT' && resetDone) return 'sold_out';
          }
          await sleep(60);
        }
      });
      await reset;
      const order = await h.s.room.admissionOrder(sale.id);
      expect(new Set(order).size).toBe(order.length);
      const info = await h.s.redis.hgetall(saleKeys(h.prefix, sale.id).roomInfo);
      expect(Number(info.admitted)).toBe(order.length);
      // The two instances shared one lease: the rounds of both add up, and were not run twice.
      console.log(
        `[room-instances] admission rounds: instance A ${h.s.roomRunner.rounds}, instance B ${other.roomRunner.rounds}; admitted ${order.length} of ${users.length}; outcomes ${JSON.stringify(count(outcomes))}`,
      );
      expect(Math.min(h.s.roomRunner.rounds, other.roomRunner.rounds)).toBeLessThan(
        Math.max(h.s.roomRunner.rounds, other.roomRunner.rounds) / 10 + 1,
      );
      // Round two sells exactly its stock; the first round's orders were cancelled by the reset.
      const report = await h.waitFor(
        async () =>
          (
            await h.request('GET', `/api/admin/goods/${sale.id}/consistency`, {
              token: admin.token,
            })
          ).body.report,
        (r) => r.ordersDb === STOCK && r.exact,
      );
      expect(report).toMatchObject({
        ordersDb: STOCK,
        stockLeftRedis: 0,
        oversold: 0,
        undersold: 0,
        duplicates: 0,
        exact: true,
      });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await other.close();
    }
  }, 90_000);
});

function count(values: string[]) {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
