import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createHttpServer } from '../src/app.ts';
import { createServices } from '../src/services.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSale } from '../src/seckill/consistency.ts';
import { startHarness, type Harness } from './harness.ts';

/** The harness of the describe that runs: each starts its own. */
let h: Harness;
/**
 * Orders have 1.5 s to be paid, for the tests of the deadline; the sweeper is slow so that the
 * message path is what expires. The other tests pay or cancel after the result, and would race
 * so short a deadline: their orders keep the default deadline, minutes away.
 */
function harnessFor(paymentTimeoutMs: number | null) {
  beforeAll(async () => {
    h = await startHarness({
      env: {
        ...(paymentTimeoutMs === null ? {} : { PAYMENT_TIMEOUT_MS: String(paymentTimeoutMs) }),
        EXPIRY_SWEEP_INTERVAL_MS: '3600000',
        EVENTS_STOCK_INTERVAL_MS: '100',
      },
    });
  });
  afterAll(() => h?.close());
}

type User = Awaited<ReturnType<Harness['createUsers']>>[number];

const buy = (goodsId: number, u: User) => h.buy(goodsId, u.token);

const orderOf = (u: User, id: string) => h.request('GET', `/api/orders/${id}`, { token: u.token });

const openStream = (token: string, goods: number[] = [], port?: number) =>
  h.openEvents(token, goods, port);

describe('payment deadlines', () => {
  harnessFor(1500);

  it('expire an unpaid order through RabbitMQ and put its unit back for the next shopper', async () => {
    const sale = await h.createSale({ stock: 1 });
    const [u, v] = await h.createUsers(2);
    if (!u || !v) throw new Error('no users');
    const id = await buy(sale.id, u);
    expect((await h.order(sale.id, v.token)).body.code).toBe('SOLD_OUT');
    const expired = await h.waitFor(
      () => orderOf(u, id),
      (r) => r.body.item.status === 'expired',
    );
    expect(expired.body.item.status).toBe('expired');
    expect(Date.parse(expired.body.item.cancelledAt)).toBeGreaterThanOrEqual(
      Date.parse(expired.body.item.expiresAt),
    );
    for (const action of ['pay', 'cancel']) {
      const r = await h.request('POST', `/api/orders/${id}/${action}`, { token: u.token });
      expect(r.status, action).toBe(409);
      expect(r.body.code).toBe('ORDER_EXPIRED');
    }
    expect(h.consumer?.consumer.expirer.counters.swept).toBe(0);
    // The unit is for sale again: another shopper gets it.
    await buy(sale.id, v);
    const r = await checkSale(h.s.db, h.s.stock, sale.id, await h.s.publisher.depth());
    expect(r).toMatchObject({ ordersDb: 1, returned: 1, stockLeftDb: 0, stockLeftRedis: 0 });
    expect(r?.exact).toBe(true);
  });

  it('are kept by the sweeper when the deadline message was lost', async () => {
    const sale = await h.createSale({ stock: 2 });
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const { expiryDelay } = (await import('@seckill/queue')).queueNames(h.prefix);
    const amqp = (await import('amqplib')).default;
    const conn = await amqp.connect(h.config.amqpUrl);
    const ch = await conn.createChannel();
    // The earlier tests' deadlines have all come and gone, so the next message to wait for one is
    // this order's (counting on one still there would race its deadline).
    await h.waitFor(
      async () => [
        (await h.query("SELECT id FROM orders WHERE status = 'pending_payment'")).length,
        (await ch.checkQueue(expiryDelay)).messageCount,
      ],
      (waiting) => waiting.every((n) => n === 0),
    );
    const id = await buy(sale.id, u);
    // As if the broker had lost the message: drop everything waiting for a deadline, once this
    // order's message is among it (it may still be gathering with others, deadlines.ts).
    await h.waitFor(
      () => ch.checkQueue(expiryDelay),
      (q) => q.messageCount > 0,
    );
    await ch.purgeQueue(expiryDelay);
    await conn.close();
    await new Promise((r) => setTimeout(r, 3000));
    expect((await orderOf(u, id)).body.item.status).toBe('pending_payment');
    // Every overdue order of this file is the sweeper's now (the purge took their messages too).
    const [overdue] = await h.query(
      "SELECT COUNT(*) AS n FROM orders WHERE status = 'pending_payment' AND expires_at < NOW(3) - INTERVAL 1 SECOND",
    );
    expect(Number(overdue.n)).toBeGreaterThanOrEqual(1);
    const swept = await h.consumer?.consumer.expirer.sweep();
    expect(swept).toBe(Number(overdue.n));
    expect((await orderOf(u, id)).body.item.status).toBe('expired');
    expect(await h.s.redis.get(h.s.stock.keys(sale.id).stock)).toBe('2');
    expect(await h.consumer?.consumer.expirer.sweep()).toBe(0);
  });

  it('cannot be beaten by a payment: a pay after the deadline is refused and nothing is debited', async () => {
    const sale = await h.createSale({ stock: 1, seckillPrice: 999 });
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const id = await buy(sale.id, u);
    const o = (await orderOf(u, id)).body.item;
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(o.expiresAt) - Date.now() + 50)));
    const pay = await h.request('POST', `/api/orders/${id}/pay`, { token: u.token });
    expect(pay.status).toBe(409);
    expect(pay.body.code).toBe('ORDER_EXPIRED');
    expect(await h.query('SELECT id FROM wallet_entries WHERE order_id = ?', [id])).toHaveLength(0);
  });

  it('pushes the expiry, and opens only with a fresh ticket', async () => {
    const sale = await h.createSale({ stock: 1 });
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const s = await openStream(u.token);
    const id = await buy(sale.id, u);
    expect(await s.until((e) => e.type === 'order' && e.status === 'expired')).toMatchObject({
      orderId: id,
    });
    s.close();
    const reused = await h.request('GET', `/api/events?ticket=${s.ticket}`);
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('TOKEN_INVALID');
    expect((await h.request('GET', '/api/events?ticket=short')).status).toBe(422);
    expect((await h.request('GET', '/api/events')).status).toBe(422);
    expect((await h.request('POST', '/api/events/ticket')).status).toBe(401);
  });
});

describe('the event stream', () => {
  harnessFor(null);

  it('pushes the result, the payment and the stock to the shopper', async () => {
    const sale = await h.createSale({ stock: 3 });
    const [u, v] = await h.createUsers(2);
    if (!u || !v) throw new Error('no users');
    const s = await openStream(u.token, [sale.id]);
    expect(s.res.statusCode).toBe(200);
    expect(s.res.headers['content-type']).toContain('text/event-stream');
    expect(await s.until((e) => e.type === 'hello')).toBeTruthy();
    // The watched sale's stock comes first, then every change.
    expect(await s.until((e) => e.type === 'stock')).toMatchObject({ stockLeft: 3 });
    expect((await h.order(sale.id, u.token)).status).toBe(202);
    const result = await s.until((e) => e.type === 'result');
    expect(result).toMatchObject({ goodsId: sale.id, status: 'success' });
    const stock = await s.until((e) => e.type === 'stock' && e.stockLeft === 2);
    expect(stock).toMatchObject({ goodsId: sale.id });
    const orderId = String(result?.orderId);
    expect((await h.request('POST', `/api/orders/${orderId}/pay`, { token: u.token })).status).toBe(
      200,
    );
    expect(await s.until((e) => e.type === 'order' && e.status === 'paid')).toMatchObject({
      orderId,
    });
    // Another shopper's events never reach this stream.
    expect((await h.order(sale.id, v.token)).status).toBe(202);
    await h.waitFor(
      () => h.request('GET', `/api/seckill/${sale.id}/result`, { token: v.token }),
      (x) => x.body.status === 'success',
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(s.events.filter((e) => e.type === 'result')).toHaveLength(1);
    s.close();
  });

  it('reaches a stream held by another instance', async () => {
    const other = await createServices(h.config, pino({ level: 'silent' }));
    const server = createHttpServer(other).listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    try {
      const sale = await h.createSale({ stock: 2 });
      const [u] = await h.createUsers(1);
      if (!u) throw new Error('no user');
      // The ticket comes from this instance, the stream lives on the other, the order on this one.
      const s = await openStream(u.token, [], (server.address() as AddressInfo).port);
      await s.until((e) => e.type === 'hello');
      const id = await buy(sale.id, u);
      expect(await s.until((e) => e.type === 'result')).toMatchObject({ orderId: id });
      await h.request('POST', `/api/orders/${id}/cancel`, { token: u.token });
      expect(await s.until((e) => e.type === 'order')).toMatchObject({ status: 'cancelled' });
      s.close();
    } finally {
      other.push.close();
      await new Promise<void>((r) => server.close(() => r()));
      await other.close();
    }
  });

  it('holds at most a few streams per shopper', async () => {
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const open = [];
    for (let i = 0; i < 5; i += 1) open.push(await openStream(u.token));
    for (const s of open) await s.until((e) => e.type === 'hello');
    const t = await h.request('POST', '/api/events/ticket', { token: u.token });
    const sixth = await h.request('GET', `/api/events?ticket=${t.body.ticket}`);
    expect(sixth.status).toBe(429);
    for (const s of open) s.close();
  });
});
