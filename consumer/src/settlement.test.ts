import { describe, expect, it } from 'vitest';
import { FakeChannel, orderMessage, recordingLog } from '../test/fakes.ts';
import type { Delivery } from './channels.ts';
import { newCounters } from './counters.ts';
import { Settlement } from './settlement.ts';

const order = (orderId: string) => orderMessage(orderId);

/** A settlement whose acks and dead letters are recorded in one list. */
function setUp(opts: { deadLetterFails?: boolean } = {}) {
  const calls: string[] = [];
  const ch = new FakeChannel('ch', calls);
  const counters = newCounters();
  const { log, messages } = recordingLog();
  const s = new Settlement({
    acks: {
      ack: (_ch, msg) => void calls.push(`ack ${msg.fields.deliveryTag}`),
      nacked: (_ch, msg) => void calls.push(`nacked ${msg.fields.deliveryTag}`),
    },
    scheduler: {
      deadLetter: async (body, reason) => {
        if (opts.deadLetterFails) throw new Error('no confirm');
        calls.push(`dead-letter ${body.toString()} (${reason})`);
      },
    },
    log,
    counters,
  });
  const deliver = (body: unknown): Delivery => ({ msg: ch.deliver(body), ch: ch.asChannel });
  return { s, calls, counters, messages, deliver };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('Settlement', () => {
  it('acks a one-order message once its order is done, and only once', () => {
    const { s, calls, deliver } = setUp();
    const d = deliver(order('1'));
    expect(s.orders(d).map((p) => p.order.orderId)).toEqual(['1']);
    s.done(d);
    s.done(d);
    s.requeue(d);
    expect(calls).toEqual(['ack 1']);
  });

  it('acks a group when its last order is done', () => {
    const { s, calls, deliver } = setUp();
    const d = deliver({ v: 2, orders: [order('1'), order('2'), order('3')] });
    expect(s.orders(d)).toHaveLength(3);
    s.done(d);
    s.done(d);
    expect(calls).toEqual([]);
    s.done(d);
    expect(calls).toEqual(['ack 1']);
  });

  it('dead-letters a message that is no order message, whole', () => {
    const { s, calls, counters, messages, deliver } = setUp();
    const d = deliver('not json');
    expect(s.orders(d)).toEqual([]);
    expect(calls).toEqual(['nacked 1', 'nack ch 1 dead']);
    expect([counters.dead, messages()]).toEqual([1, ['dead-lettering']]);
  });

  it('dead-letters a poisoned order of a group by itself, and the rest goes on', async () => {
    const { s, calls, counters, deliver } = setUp();
    const d = deliver({ v: 2, orders: [order('1'), { bad: true }] });
    expect(s.orders(d).map((p) => p.order.orderId)).toEqual(['1']);
    await tick();
    expect(calls).toEqual(['dead-letter {"bad":true} (malformed order)']);
    s.done(d);
    expect(calls.at(-1)).toBe('ack 1');
    expect(counters.dead).toBe(1);
  });

  it('requeues a group whose poisoned order the broker did not confirm', async () => {
    const { s, calls, deliver } = setUp({ deadLetterFails: true });
    const d = deliver({ v: 2, orders: [order('1'), 7] });
    const [p] = s.orders(d);
    await tick();
    expect(calls).toEqual(['nacked 1', 'nack ch 1 requeue']);
    // Judged again on redelivery: an answer now would be a second one.
    if (p) s.done(p.d);
    expect(calls).toHaveLength(2);
  });

  it('dead-letters an order that cannot be written: its message when alone, itself in a group', async () => {
    const { s, calls, deliver } = setUp();
    const alone = deliver(order('1'));
    const [a] = s.orders(alone);
    const group = deliver({ v: 2, orders: [order('2'), order('3')] });
    const [b] = s.orders(group);
    if (!a || !b) throw new Error('no orders');
    await s.deadLetterOrder(a, 'write failed');
    await s.deadLetterOrder(b, 'write failed');
    expect(calls).toEqual([
      'nacked 1',
      'nack ch 1 dead',
      `dead-letter ${JSON.stringify(order('2'))} (write failed)`,
    ]);
    s.done(group);
    expect(calls.at(-1)).toBe('ack 2');
  });

  it('requeues once, and never acks what it requeued', () => {
    const { s, calls, deliver } = setUp();
    const d = deliver(order('1'));
    s.orders(d);
    s.requeue(d);
    s.requeue(d);
    s.done(d);
    expect(calls).toEqual(['nacked 1', 'nack ch 1 requeue']);
  });

  it('survives a channel that is gone when it nacks', () => {
    const { s, deliver } = setUp();
    const d = deliver(order('1'));
    d.ch.nack = () => {
      throw new Error('Channel closed');
    };
    expect(() => s.requeue(d)).not.toThrow();
  });
});
