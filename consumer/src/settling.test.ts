import type { ExpiryMessage } from '@seckill/contracts';
import type { UserEvent } from '@seckill/stock';
import { describe, expect, it } from 'vitest';
import { orderMessage, recordingLog } from '../test/fakes.ts';
import type { Delivery } from './channels.ts';
import { newCounters } from './counters.ts';
import type { Retrying } from './retrying.ts';
import type { OrderInWork } from './settlement.ts';
import { resultEvent, Settling } from './settling.ts';
import type { WriteOutcome } from './writer.ts';

const once: Retrying = (_what, fn) => fn();
const d = { msg: {} } as Delivery;
const inWork = (orderId: string): OrderInWork => ({ order: orderMessage(orderId), d });

const outcomes = (entries: Array<[string, WriteOutcome]>) => new Map(entries);

/** Settling with recording fakes; `fail` names the step that throws. */
function setUp(fail?: 'settle' | 'schedule') {
  const calls: string[] = [];
  const events: UserEvent[][] = [];
  const counters = newCounters();
  const { log, messages } = recordingLog();
  const settling = new Settling({
    stock: {
      settleMany: async (goodsId, orders) => {
        if (fail === 'settle') throw new Error('redis away');
        calls.push(`settle ${goodsId} ${orders.map((o) => `${o.reservedOrderId}>${o.orderId}`)}`);
        return orders.length;
      },
      release: async (_goodsId, _userId, orderId, opts) => {
        calls.push(`release ${orderId} ${opts.result} return=${opts.returnUnit}`);
        return 'released';
      },
    },
    scheduler: {
      scheduleExpiry: async (m: ExpiryMessage) => {
        if (fail === 'schedule') throw new Error('no confirm');
        calls.push(`deadline ${m.orderIds} at ${m.expiresAt}`);
      },
    },
    retry: once,
    settlement: { done: () => void calls.push('done') },
    requeue: {
      failed: async (what, orders) => void calls.push(`requeue ${what} ${orders.length}`),
    },
    counters,
    log,
    onUserEvents: (e) => void events.push(e),
    deadlineGatherMs: 0,
  });
  /** Order '1' was committed and created. */
  const createdOne = () =>
    settling.committed(
      3,
      [inWork('1')],
      { outcomes: outcomes([['1', { kind: 'created', orderId: '1' }]]), expiresAt: 1 },
      ['1'],
    );
  return { settling, calls, events, counters, messages, createdOne };
}

describe('Settling', () => {
  it('puts the outcomes in Redis and sends the deadline, then settles each order and tells the shoppers', async () => {
    const { settling, calls, events, counters } = setUp();
    const group = [inWork('1'), inWork('2'), inWork('3'), inWork('4')];
    const result = {
      outcomes: outcomes([
        ['1', { kind: 'created', orderId: '1' }],
        ['2', { kind: 'existing', orderId: '9' }],
        ['3', { kind: 'sold_out' }],
        ['4', { kind: 'stale' }],
      ]),
      expiresAt: 5_000,
    };
    settling.committed(3, group, result, ['1']);
    expect(settling.idle).toBe(false);
    await settling.settled();
    expect(calls).toEqual([
      'deadline 1 at 5000',
      'settle 3 1>1,2>9',
      'release 3 sold_out return=false',
      'done',
      'done',
      'done',
      'done',
    ]);
    expect(events).toEqual([
      [
        { userId: 1, event: { type: 'result', goodsId: 3, status: 'success', orderId: '1' } },
        { userId: 2, event: { type: 'result', goodsId: 3, status: 'success', orderId: '9' } },
        { userId: 3, event: { type: 'result', goodsId: 3, status: 'sold_out' } },
      ],
    ]);
    expect(counters).toMatchObject({ created: 1, existing: 1, soldOut: 1, stale: 1 });
    expect(settling.idle).toBe(true);
  });

  it('takes the requeue path when the outcomes cannot be put in Redis', async () => {
    const { settling, calls, events, createdOne } = setUp('settle');
    createdOne();
    await settling.settled();
    expect(calls).toEqual(['deadline 1 at 1', 'requeue settling 1']);
    expect(events).toEqual([]);
  });

  it('counts a deadline not scheduled and goes on (the sweeper stands in)', async () => {
    const { settling, calls, counters, messages, createdOne } = setUp('schedule');
    createdOne();
    await settling.settled();
    expect(calls).toEqual(['settle 3 1>1', 'done']);
    expect(counters.unscheduled).toBe(1);
    expect(messages()).toEqual([
      'payment deadline not scheduled; the sweeper will expire these orders',
    ]);
  });

  it('waits for no deadline when nothing was created', async () => {
    const { settling, calls } = setUp();
    settling.committed(3, [inWork('1')], { outcomes: outcomes([]), expiresAt: 1 }, []);
    await settling.settled();
    expect(calls).toEqual(['done']);
  });
});

describe('resultEvent', () => {
  it('tells success with the order that counts, sold out, and nothing for the rest', () => {
    const order = orderMessage('1');
    expect(resultEvent(order, { kind: 'existing', orderId: '9' })?.event).toEqual({
      type: 'result',
      goodsId: 3,
      status: 'success',
      orderId: '9',
    });
    expect(resultEvent(order, { kind: 'sold_out' })?.event).toEqual({
      type: 'result',
      goodsId: 3,
      status: 'sold_out',
    });
    expect(resultEvent(order, { kind: 'returned', orderId: '1' })).toBeNull();
    expect(resultEvent(order, { kind: 'stale' })).toBeNull();
  });
});
