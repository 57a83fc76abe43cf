import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteTopology, OrderPublisher, queueNames } from '../src/index.ts';
import { HoldProxy } from './hold-proxy.ts';

const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const names = queueNames(`tq${randomBytes(4).toString('hex')}:`);
const order = (i: number) => ({
  v: 1 as const,
  orderId: String(1000 + i),
  userId: i + 1,
  goodsId: 1,
  price: 100,
  round: 0,
  reservedAt: Date.now(),
});

let pub: OrderPublisher;
beforeAll(async () => {
  pub = new OrderPublisher({ url, names, confirmTimeoutMs: 3000, groupCommit: true });
  await pub.start();
  await pub.waitReady(5000);
});
afterAll(async () => {
  await pub.close();
  await deleteTopology(url, names);
});

async function drain(): Promise<Array<{ v: number; orders?: Array<{ orderId: string }> }>> {
  const conn = await amqp.connect(url);
  const ch = await conn.createChannel();
  const out = [];
  for (;;) {
    const m = await ch.get(names.orders, { noAck: true });
    if (!m) break;
    out.push(JSON.parse(m.content.toString()));
  }
  await conn.close();
  return out;
}

describe('group commit', () => {
  it('sends the orders that wait on a confirm as one message, each resolved by its confirm', async () => {
    const before = { ...pub.sent };
    // One tick: the first leaves at once, the nine others wait for its confirm and leave together.
    await Promise.all(Array.from({ length: 10 }, (_, i) => pub.publish(order(i))));
    expect(pub.sent.messages - before.messages).toBe(2);
    expect(pub.sent.orders - before.orders).toBe(10);
    const messages = await drain();
    expect(messages.map((m) => m.orders?.length)).toEqual([1, 9]);
    expect(messages.flatMap((m) => m.orders?.map((o) => o.orderId))).toEqual(
      Array.from({ length: 10 }, (_, i) => String(1000 + i)),
    );
  });

  it('caps a group by count', async () => {
    const small = new OrderPublisher({
      url,
      names,
      confirmTimeoutMs: 3000,
      groupCommit: true,
      groupMaxOrders: 4,
    });
    await small.start();
    await small.waitReady(5000);
    try {
      await Promise.all(Array.from({ length: 10 }, (_, i) => small.publish(order(i))));
      expect((await drain()).map((m) => m.orders?.length)).toEqual([1, 4, 4, 1]);
    } finally {
      await small.close();
    }
  });

  it('rejects every order of a message whose confirm does not come', async () => {
    // A real broker behind a proxy that, once the channel is open, holds back every reply: the
    // message reaches RabbitMQ but its confirm never reaches the publisher.
    const broker = new URL(url);
    const proxy = new HoldProxy({ host: broker.hostname, port: Number(broker.port || 5672) });
    const port = await proxy.listen();
    broker.port = String(port);
    const slow = new OrderPublisher({
      url: broker.toString(),
      names,
      confirmTimeoutMs: 300,
      groupCommit: true,
    });
    await slow.start();
    expect(await slow.waitReady(5000)).toBe(true);
    proxy.hold();
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) => slow.publish(order(i))),
      );
      expect(results.map((r) => r.status)).toEqual(Array(5).fill('rejected'));
      expect(slow.sent.orders).toBe(5);
    } finally {
      // The held connection cannot close politely (its close-ok would be held too): cut it first.
      await proxy.close();
      await slow.close();
      await drain();
    }
  });
});
