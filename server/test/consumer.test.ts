import { loadConsumerConfig, runConsumer } from '@seckill/consumer';
import pino from 'pino';
import { queueNames } from '@seckill/queue';
import type { OrderMessage } from '@seckill/contracts';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

async function publishRaw(bodies: Array<Buffer | OrderMessage>) {
  const conn = await amqp.connect(h.config.amqpUrl);
  const ch = await conn.createConfirmChannel();
  for (const b of bodies) {
    ch.sendToQueue(
      queueNames(h.prefix).orders,
      Buffer.isBuffer(b) ? b : Buffer.from(JSON.stringify(b)),
      { persistent: true },
    );
  }
  await ch.waitForConfirms();
  await conn.close();
}

const deadLetters = async () => (await h.s.publisher.depth()).deadLetters;

describe('the consumer', () => {
  it('writes a replayed message once and counts the replay as done', async () => {
    const sale = await h.createSale({ stock: 3 });
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    expect((await h.order(sale.id, u.token)).status).toBe(202);
    const [row] = await h.waitFor(
      () => h.query('SELECT id, price FROM orders WHERE goods_id = ?', [sale.id]),
      (r) => r.length === 1,
    );
    const replay: OrderMessage = {
      v: 1,
      orderId: String(row.id),
      userId: u.id,
      goodsId: sale.id,
      price: row.price,
      round: 0,
      reservedAt: Date.now(),
    };
    const before = h.consumer?.consumer.counters.existing ?? 0;
    await publishRaw([replay, replay]);
    await h.waitFor(
      async () => h.consumer?.consumer.counters.existing ?? 0,
      (n) => n >= before + 2,
    );
    const rows = await h.query('SELECT id FROM orders WHERE goods_id = ?', [sale.id]);
    expect(rows).toHaveLength(1);
    const [g] = await h.query('SELECT stock_left FROM goods WHERE id = ?', [sale.id]);
    expect(g.stock_left).toBe(2);
    expect(await h.s.redis.get(h.s.stock.keys(sale.id).stock)).toBe('2');
    expect(
      (await h.request('GET', `/api/seckill/${sale.id}/result`, { token: u.token })).body,
    ).toEqual({ status: 'success', orderId: String(row.id) });
  });

  it('dead-letters malformed messages and orders for a sale that does not exist', async () => {
    const dead = await deadLetters();
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    await publishRaw([
      Buffer.from('not json'),
      Buffer.from(JSON.stringify({ v: 1, orderId: 'x' })),
      {
        v: 1,
        orderId: '123456789',
        userId: u.id,
        goodsId: 424242,
        price: 1,
        round: 0,
        reservedAt: Date.now(),
      },
    ]);
    const after = await h.waitFor(deadLetters, (n) => n >= dead + 3);
    expect(after).toBe(dead + 3);
    expect(await h.query('SELECT id FROM orders WHERE id = 123456789')).toHaveLength(0);
  });

  it('drops a message from a stock round that a reset ended', async () => {
    const sale = await h.createSale({ stock: 2 });
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const before = h.consumer?.consumer.counters.stale ?? 0;
    const deadBefore = await deadLetters();
    await publishRaw([
      {
        v: 1,
        orderId: '987654321',
        userId: u.id,
        goodsId: sale.id,
        price: 1,
        round: 99,
        reservedAt: Date.now(),
      },
    ]);
    await h.waitFor(
      async () => h.consumer?.consumer.counters.stale ?? 0,
      (n) => n > before,
    );
    expect(await h.query('SELECT id FROM orders WHERE goods_id = ?', [sale.id])).toHaveLength(0);
    // Dropped as stale, not dead-lettered: nothing is wrong with it.
    expect(await deadLetters()).toBe(deadBefore);
  });

  it('writes the good orders of a group and dead-letters only the poisoned one', async () => {
    const sale = await h.createSale({ stock: 5 });
    const [u, v, w] = await h.createUsers(3);
    if (!u || !v || !w) throw new Error('no users');
    const deadBefore = await deadLetters();
    const good = (user: { id: number }, orderId: string) => ({
      v: 1,
      orderId,
      userId: user.id,
      goodsId: sale.id,
      price: 5000,
      round: 0,
      reservedAt: Date.now(),
    });
    await publishRaw([
      Buffer.from(
        JSON.stringify({
          v: 2,
          orders: [
            good(u, '555000111'),
            { v: 1, orderId: 'poison', userId: w.id },
            good(v, '555000112'),
          ],
        }),
      ),
    ]);
    const rows = await h.waitFor(
      () => h.query('SELECT id FROM orders WHERE goods_id = ? ORDER BY id', [sale.id]),
      (r) => r.length === 2,
    );
    expect(rows.map((r) => String(r.id))).toEqual(['555000111', '555000112']);
    await h.waitFor(deadLetters, (n) => n === deadBefore + 1);
    expect(await deadLetters()).toBe(deadBefore + 1);
    // The message itself was acked: nothing waits or comes back.
    await h.waitFor(
      async () => (await h.s.publisher.depth()).ready,
      (n) => n === 0,
    );
    expect((await h.s.publisher.depth()).ready).toBe(0);
  });

  it('hands a failed batch back to the queue and keeps going', async () => {
    const sale = await h.createSale({ stock: 5 });
    const [u, v] = await h.createUsers(2);
    if (!u || !v) throw new Error('no users');
    const consumer = h.consumer?.consumer;
    if (!consumer) throw new Error('no consumer');
    // The consumer's own Redis calls fail with an error it does not know, more times than it
    // retries one: the whole batch fails, as a bug or an odd outage would make it.
    const stock = (
      consumer as unknown as { o: { stock: { claimMany: (...a: never[]) => unknown } } }
    ).o.stock;
    const claim = stock.claimMany.bind(stock);
    let failures = 4;
    stock.claimMany = (...args: never[]) => {
      if (failures-- > 0) return Promise.reject(new Error('injected failure'));
      return claim(...args);
    };
    const failedBefore = consumer.counters.failedBatches;
    try {
      expect((await h.order(sale.id, u.token)).status).toBe(202);
      const done = await h.waitFor(
        () => h.request('GET', `/api/seckill/${sale.id}/result`, { token: u.token }),
        (r) => r.body.status === 'success',
      );
      expect(done.body.status).toBe('success');
      expect(consumer.counters.failedBatches).toBeGreaterThan(failedBefore);
    } finally {
      stock.claimMany = claim;
    }
    // The channel is healthy: the next order goes through as usual.
    expect((await h.order(sale.id, v.token)).status).toBe(202);
    const next = await h.waitFor(
      () => h.request('GET', `/api/seckill/${sale.id}/result`, { token: v.token }),
      (r) => r.body.status === 'success',
    );
    expect(next.body.status).toBe('success');
    expect(await h.query('SELECT id FROM orders WHERE goods_id = ?', [sale.id])).toHaveLength(2);
  });

  it('never writes more orders than MySQL has stock, even when Redis lost track', async () => {
    const sale = await h.createSale({ stock: 2 });
    const users = await h.createUsers(4);
    await h.s.redis.del(h.s.stock.keys(sale.id).stock);
    await publishRaw(
      users.map((u, i) => ({
        v: 1 as const,
        orderId: String(555000 + i),
        userId: u.id,
        goodsId: sale.id,
        price: 1,
        round: 0,
        reservedAt: Date.now(),
      })),
    );
    await h.waitFor(
      () => h.query('SELECT id FROM orders WHERE goods_id = ?', [sale.id]),
      (r) => r.length >= 2,
    );
    await h.consumer?.consumer.drain();
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.query('SELECT id FROM orders WHERE goods_id = ?', [sale.id])).toHaveLength(2);
    const [g] = await h.query('SELECT stock_left FROM goods WHERE id = ?', [sale.id]);
    expect(g.stock_left).toBe(0);
    const results = await h.s.redis.hvals(h.s.stock.keys(sale.id).results);
    expect(results.filter((r) => r.startsWith('success:'))).toHaveLength(2);
    expect(results.filter((r) => r === 'sold_out')).toHaveLength(2);
  });
});

describe('publisher confirms', () => {
  it('undoes the reservation and answers RETRY when the confirm does not come in time', async () => {
    // No consumer until the answer is given, so none can claim the reservation meanwhile.
    const slow = await startHarness({
      env: { PUBLISH_CONFIRM_TIMEOUT_MS: '50' },
      consumer: false,
    });
    let late: Awaited<ReturnType<typeof runConsumer>> | null = null;
    try {
      // The broker takes the message and confirms it, but the confirm reaches the API only after
      // its 50 ms wait: the timeout wins every time, not by a race against a fast broker.
      const ch = (slow.s.publisher as unknown as { channel: Record<string, unknown> }).channel;
      const publish = ch.publish as (...a: unknown[]) => boolean;
      ch.publish = (...args: unknown[]) => {
        const cb = args[4] as (...r: unknown[]) => void;
        return publish.call(ch, ...args.slice(0, 4), (...r: unknown[]) =>
          setTimeout(() => cb(...r), 300),
        );
      };
      const sale = await slow.createSale({ stock: 3 });
      const [u] = await slow.createUsers(1);
      if (!u) throw new Error('no user');
      const r = await slow.order(sale.id, u.token);
      expect(r.status).toBe(503);
      expect(r.body.code).toBe('RETRY');
      const k = slow.s.stock.keys(sale.id);
      expect(await slow.s.redis.get(k.stock)).toBe('3');
      expect(await slow.s.redis.hexists(k.buyers, String(u.id))).toBe(0);
      // The broker did get the message; the consumer must drop it, not write it.
      late = await runConsumer(
        { ...loadConsumerConfig({ ...slow.env, PUBLISH_CONFIRM_TIMEOUT_MS: '' }) },
        pino({ level: 'silent' }),
      );
      const consumer = late.consumer;
      await slow.waitFor(
        async () => consumer.counters.dropped,
        (n) => n >= 1,
      );
      expect(consumer.counters.dropped).toBe(1);
      expect(await slow.query('SELECT id FROM orders WHERE goods_id = ?', [sale.id])).toHaveLength(
        0,
      );
      expect(
        (await slow.request('GET', `/api/seckill/${sale.id}/result`, { token: u.token })).body
          .status,
      ).toBe('none');
    } finally {
      await late?.stop();
      await slow.close();
    }
  });
});
