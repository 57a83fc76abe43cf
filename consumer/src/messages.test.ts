import { describe, expect, it } from 'vitest';
import { orderMessage } from '../test/fakes.ts';
import { readDeadline, readOrders } from './messages.ts';

const order = (orderId: string) => orderMessage(orderId);
const bytes = (body: unknown) =>
  Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));

describe('readOrders', () => {
  it('reads a v1 message as one order', () => {
    expect(readOrders(bytes(order('1')))).toEqual({ kind: 'single', order: order('1') });
  });

  it('reads a v2 group, telling its poisoned entries from its orders', () => {
    const bad = { v: 1, orderId: 'x' };
    expect(readOrders(bytes({ v: 2, orders: [order('1'), bad, order('2')] }))).toEqual({
      kind: 'group',
      orders: [order('1'), order('2')],
      poisoned: [bad],
    });
  });

  it('calls anything else malformed: not JSON, an unknown version, an empty group', () => {
    for (const body of ['{', { v: 3 }, { v: 2, orders: [] }, { ...order('1'), extra: 1 }])
      expect(readOrders(bytes(body))).toEqual({ kind: 'malformed' });
  });
});

describe('readDeadline', () => {
  it('reads a deadline message, or gives null', () => {
    const m = { v: 1, goodsId: 3, orderIds: ['1', '2'], expiresAt: 5 };
    expect(readDeadline(bytes(m))).toEqual(m);
    expect(readDeadline(bytes({ ...m, orderIds: [] }))).toBeNull();
    expect(readDeadline(bytes('not json'))).toBeNull();
  });
});
