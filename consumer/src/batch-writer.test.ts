import type { OrderMessage } from '@seckill/contracts';
import type { ClaimResult, UserEvent } from '@seckill/stock';
import { describe, expect, it } from 'vitest';
import { orderMessage, recordingLog } from '../test/fakes.ts';
import { BatchWriter } from './batch-writer.ts';
import type { Delivery } from './channels.ts';
import { newCounters } from './counters.ts';
import type { Retrying } from './retrying.ts';
import type { OrderInWork } from './settlement.ts';
import type { WriteOutcome, WriteResult } from './writer.ts';

const once: Retrying = (_what, fn) => fn();
const inWork = (orderId: string, goodsId = 3) =>
  ({
    order: orderMessage(orderId, goodsId),
    d: { msg: { orderId } } as unknown as Delivery,
  }) as OrderInWork;

/**
 * A writer over fakes. `write` creates every order except those listed in `poisoned` (a group
 * holding one of them fails whole); `dropped` are the reservations the API undid.
 */
function setUp(
  opts: { poisoned?: string[]; dropped?: string[]; released?: boolean; claimFails?: boolean } = {},
) {
  const calls: string[] = [];
  const events: UserEvent[][] = [];
  const committed: Array<[number, string[], string[]]> = [];
  const counters = newCounters();
  const metrics: string[] = [];
  const { log, messages } = recordingLog();
  const orderOf = (d: Delivery) => (d.msg as unknown as { orderId: string }).orderId;
  const writer = new BatchWriter({
    stock: {
      claimMany: async (_goodsId, orders): Promise<ClaimResult[]> => {
        if (opts.claimFails) throw new Error('injected');
        return orders.map((o) => (opts.dropped?.includes(o.orderId) ? 'dropped' : 'claimed'));
      },
      release: async (goodsId, _userId, orderId, o) => {
        calls.push(`release ${goodsId}/${orderId} ${o.result} return=${o.returnUnit}`);
        return opts.released === false ? 'gone' : 'released';
      },
    },
    write: async (goodsId: number, orders: OrderMessage[]): Promise<WriteResult> => {
      calls.push(`write ${goodsId}: ${orders.map((o) => o.orderId)}`);
      if (orders.some((o) => opts.poisoned?.includes(o.orderId)))
        throw Object.assign(new Error('bad row'), { code: 'ER_DATA_TOO_LONG' });
      const outcomes = new Map<string, WriteOutcome>(
        orders.map((o) => [o.orderId, { kind: 'created', orderId: o.orderId }]),
      );
      return { outcomes, expiresAt: 1 };
    },
    retry: once,
    settlement: {
      done: (d) => void calls.push(`done ${orderOf(d)}`),
      deadLetterOrder: async (p, reason) =>
        void calls.push(`dead-letter ${p.order.orderId} (${reason})`),
    },
    settling: {
      committed: (goodsId, group, _result, created) =>
        void committed.push([goodsId, group.map((p) => p.order.orderId), created]),
    },
    counters,
    log,
    metrics: {
      batch: (n) => void metrics.push(`batch ${n}`),
      committed: (n) => void metrics.push(`committed ${n}`),
    },
    onStockReturned: (goodsId) => void calls.push(`returned ${goodsId}`),
    onUserEvents: (e) => void events.push(e),
  });
  return { writer, calls, events, committed, counters, metrics, messages };
}

describe('BatchWriter', () => {
  it('writes each sale of a batch in one transaction and hands it to settling', async () => {
    const { writer, calls, committed, counters, metrics } = setUp();
    await writer.write([inWork('1', 3), inWork('2', 4), inWork('3', 3)]);
    expect(calls).toEqual(['write 3: 1,3', 'write 4: 2']);
    expect(committed).toEqual([
      [3, ['1', '3'], ['1', '3']],
      [4, ['2'], ['2']],
    ]);
    expect(metrics).toEqual(['batch 3', 'committed 2', 'committed 1']);
    expect(counters.batches).toBe(1);
  });

  it('drops a reservation the API undid: nothing written, its message done with it', async () => {
    const { writer, calls, committed, counters } = setUp({ dropped: ['2'] });
    await writer.write([inWork('1'), inWork('2')]);
    expect(calls).toEqual(['done 2', 'write 3: 1']);
    expect(committed).toEqual([[3, ['1'], ['1']]]);
    expect(counters.dropped).toBe(1);
  });

  it('writes a failing group one by one; the order that cannot be written gives its unit back and is dead-lettered', async () => {
    const { writer, calls, events, committed, messages } = setUp({ poisoned: ['2'] });
    await writer.write([inWork('1'), inWork('2'), inWork('3')]);
    expect(calls).toEqual([
      'write 3: 1,2,3',
      'write 3: 1',
      'write 3: 2',
      'release 3/2 failed return=true',
      'returned 3',
      'dead-letter 2 (write failed)',
      'write 3: 3',
    ]);
    expect(committed.map(([, ids]) => ids)).toEqual([['1'], ['3']]);
    expect(events).toEqual([
      [{ userId: 2, event: { type: 'result', goodsId: 3, status: 'failed' } }],
    ]);
    expect(messages()).toEqual(['order cannot be written; dead-lettered']);
  });

  it('tells no unit returned when the reservation was already gone', async () => {
    const { writer, calls } = setUp({ poisoned: ['1'], released: false });
    await writer.write([inWork('1')]);
    expect(calls).toEqual([
      'write 3: 1',
      'release 3/1 failed return=true',
      'dead-letter 1 (write failed)',
    ]);
  });

  it('fails the whole batch when the claim fails for good', async () => {
    const { writer, calls } = setUp({ claimFails: true });
    await expect(writer.write([inWork('1')])).rejects.toThrow('injected');
    expect(calls).toEqual([]);
  });
});
