import type { OrderMessage } from '@seckill/contracts';
import type { OrderPublisher } from '@seckill/queue';
import type { StockStore } from '@seckill/stock';
import type { Pool } from 'mysql2/promise';
import { describe, expect, it, vi } from 'vitest';
import { connectNextTo, FakeConnection, orderMessage, recordingLog } from '../test/fakes.ts';
import { OrderConsumer } from './consumer.ts';

vi.mock('@seckill/queue', () => import('../test/fakes.ts'));
vi.mock('./writer.ts', () => ({
  writeSaleOrders: async (_db: unknown, _goodsId: number, orders: OrderMessage[]) => ({
    outcomes: new Map(orders.map((o) => [o.orderId, { kind: 'created', orderId: o.orderId }])),
    expiresAt: Date.now() + 60_000,
  }),
}));

/** A consumer over a fake broker, Redis and publisher; MySQL's writer is mocked above. */
async function started() {
  const conn = new FakeConnection();
  connectNextTo(conn);
  const stock = {
    claimMany: async (_g: number, orders: unknown[]) => orders.map(() => 'claimed'),
    settleMany: async (_g: number, orders: unknown[]) => {
      conn.calls.push('settle');
      return orders.length;
    },
  } as unknown as StockStore;
  const scheduler = {
    scheduleExpiry: async () => void conn.calls.push('deadline'),
  } as unknown as OrderPublisher;
  const consumer = new OrderConsumer({
    amqpUrl: 'amqp://fake',
    names: { orders: 'q.orders', expiry: 'q.expiry' } as never,
    db: {} as Pool,
    writerDb: {} as Pool,
    stock,
    log: recordingLog().log,
    prefetch: 10,
    batchSize: 100,
    // Long enough that only stop() can send the batch.
    batchWaitMs: 60_000,
    maxUnknownAttempts: 1,
    paymentTimeoutMs: 60_000,
    scheduler,
    sweepIntervalMs: 0,
    sweepGraceMs: 0,
    deadlineGatherMs: 60_000,
  });
  await consumer.start();
  return { consumer, conn };
}

describe('OrderConsumer lifecycle', () => {
  it('stops cleanly: deliveries end, in-flight work is written and acked, then channels and connection close', async () => {
    const { consumer, conn } = await started();
    conn.channel(0).deliver(orderMessage('1'));
    conn.channel(0).deliver({ v: 2, orders: [orderMessage('2'), orderMessage('3')] });
    expect(conn.calls).toEqual([]);
    await consumer.stop();
    expect(conn.calls).toEqual([
      'cancel ch1-tag',
      'cancel ch2-tag',
      'settle',
      // Gathered for a minute, the deadline leaves at once when the consumer drains.
      'deadline',
      'ack ch1 2+',
      'close ch1',
      'close ch2',
      'close connection',
    ]);
    expect(consumer.counters).toMatchObject({ batches: 1, created: 3 });
  });

  it('returns the first call’s promise when stop is called again', async () => {
    const { consumer, conn } = await started();
    const first = consumer.stop();
    expect(consumer.stop()).toBe(first);
    await first;
    expect(conn.calls.filter((c) => c === 'close connection')).toHaveLength(1);
  });

  it('waits for the deadlines in work before it closes', async () => {
    const { consumer, conn } = await started();
    let finish = () => {};
    const expire = vi
      .spyOn(consumer.expirer, 'expire')
      .mockImplementation(() => new Promise((r) => (finish = () => r(2))));
    conn.channel(1).deliver({ v: 1, goodsId: 3, orderIds: ['1', '2'], expiresAt: 5 });
    expect(expire).toHaveBeenCalledWith(3, ['1', '2']);
    const stopped = consumer.stop();
    await new Promise((r) => setTimeout(r, 20));
    expect(conn.calls).not.toContain('close ch2');
    finish();
    await stopped;
    expect(conn.calls.slice(-4)).toEqual([
      'ack ch2 1+',
      'close ch1',
      'close ch2',
      'close connection',
    ]);
  });
});
