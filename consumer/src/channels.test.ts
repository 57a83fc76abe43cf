import { describe, expect, it, vi } from 'vitest';
import { connectNextTo, FakeConnection, recordingLog } from '../test/fakes.ts';
import { BulkAcks } from './acks.ts';
import { ConsumerChannels, type Delivery } from './channels.ts';

vi.mock('@seckill/queue', () => import('../test/fakes.ts'));

const names = { orders: 'q.orders', expiry: 'q.expiry' } as never;

function setUp(opts: { stopping?: boolean; expiryPrefetch?: number } = {}) {
  const conn = new FakeConnection();
  connectNextTo(conn);
  const { log, messages } = recordingLog();
  const acks = new BulkAcks();
  const orders: Delivery[] = [];
  const expiries: Delivery[] = [];
  const channels = new ConsumerChannels({
    amqpUrl: 'amqp://fake',
    names,
    log,
    prefetch: 400,
    expiryPrefetch: opts.expiryPrefetch,
    acks,
    onOrder: (d) => orders.push(d),
    onExpiry: (d) => expiries.push(d),
    stopping: () => opts.stopping ?? false,
  });
  return { conn, channels, acks, orders, expiries, messages };
}

describe('ConsumerChannels', () => {
  it('consumes the order queue and the expiry queue, each on its own channel', async () => {
    const { conn, channels, acks, orders, expiries, messages } = setUp();
    await channels.open();
    const [ch, exp] = [conn.channel(0), conn.channel(1)];
    expect([ch.queue, ch.prefetched, exp.queue, exp.prefetched]).toEqual([
      'q.orders',
      [400],
      'q.expiry',
      [20],
    ]);
    expect(messages()).toEqual(['consuming orders']);
    ch.deliver({ any: 1 });
    exp.deliver({ any: 2 });
    ch.cancelledByBroker();
    expect([orders.map((d) => d.ch), expiries.map((d) => d.ch)]).toEqual([
      [ch.asChannel],
      [exp.asChannel],
    ]);
    // Each delivery was told to the acks in order, so a bulk ack can reach it.
    expect(acks.unsettled).toBe(2);
  });

  it('takes the expiry prefetch it is given', async () => {
    const { conn, channels } = setUp({ expiryPrefetch: 5 });
    await channels.open();
    expect(conn.channel(1).prefetched).toEqual([5]);
  });

  it('starts no consumer on a connect that comes while stopping', async () => {
    const { conn, channels } = setUp({ stopping: true });
    await channels.open();
    expect(conn.channels).toHaveLength(1);
    expect(conn.channel(0).queue).toBeNull();
  });

  it('logs a lost connection', async () => {
    const { conn, channels, messages } = setUp();
    await channels.open();
    conn.emit('disconnect', new Error('gone'));
    expect(messages()).toContain('rabbitmq disconnected');
  });

  it('stops in two steps: cancel the deliveries, then close the channels before the connection', async () => {
    const { conn, channels, acks } = setUp();
    await channels.open();
    const msg = conn.channel(0).deliver({ any: 1 });
    await channels.cancel();
    expect(conn.calls).toEqual(['cancel ch1-tag', 'cancel ch2-tag']);
    // Between the two steps the work delivered before is still acked on its channel.
    acks.ack(conn.channel(0).asChannel, msg);
    acks.flush();
    await channels.close();
    expect(conn.calls.slice(2)).toEqual([
      'ack ch1 1+',
      'close ch1',
      'close ch2',
      'close connection',
    ]);
    // A closed channel is forgotten by the acks: the broker redelivers what it held.
    expect(acks.unsettled).toBe(0);
  });
});
