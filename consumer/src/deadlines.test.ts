import type { ExpiryMessage } from '@seckill/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeadlineGatherer } from './deadlines.ts';

const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i));

describe('DeadlineGatherer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the transactions of one window as one message per sale, with the latest deadline', async () => {
    vi.useFakeTimers();
    const sent: ExpiryMessage[] = [];
    const g = new DeadlineGatherer(async (m) => void sent.push(m), 100);
    let settled = 0;
    const a = g.add(1, ['1', '2'], 5_000).then(() => (settled += 1));
    const b = g.add(1, ['3'], 5_040).then(() => (settled += 1));
    const c = g.add(2, ['4'], 4_000).then(() => (settled += 1));
    await vi.advanceTimersByTimeAsync(99);
    expect([sent.length, settled]).toEqual([0, 0]);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([a, b, c]);
    expect(sent).toEqual([
      { v: 1, goodsId: 1, orderIds: ['1', '2', '3'], expiresAt: 5_040 },
      { v: 1, goodsId: 2, orderIds: ['4'], expiresAt: 4_000 },
    ]);
    expect(settled).toBe(3);
  });

  it('never puts more than 1,000 orders in a message, and sends at once when stopping', async () => {
    vi.useFakeTimers();
    const sent: ExpiryMessage[] = [];
    const g = new DeadlineGatherer(async (m) => void sent.push(m), 100);
    const first = g.add(1, ids(1, 600), 1);
    const second = g.add(1, ids(601, 600), 2);
    // The first 600 left when the next 600 would have passed the limit.
    await first;
    expect(sent.map((m) => m.orderIds.length)).toEqual([600]);
    g.flushAll();
    await second;
    expect(sent.map((m) => m.orderIds.length)).toEqual([600, 600]);
    expect(sent[1]?.orderIds[0]).toBe('601');
  });

  it('answers its callers when a message is not confirmed (the sweeper stands in)', async () => {
    const g = new DeadlineGatherer(() => Promise.reject(new Error('no confirm')), 1);
    await expect(g.add(1, ['1'], 1)).resolves.toBeUndefined();
  });

  it('sends one message per transaction with a window of 0', async () => {
    const sent: ExpiryMessage[] = [];
    const g = new DeadlineGatherer(async (m) => void sent.push(m), 0);
    await g.add(1, ['1'], 1);
    await g.add(1, ['2'], 2);
    expect(sent.map((m) => m.orderIds)).toEqual([['1'], ['2']]);
  });
});
