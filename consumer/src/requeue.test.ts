import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordingLog } from '../test/fakes.ts';
import type { Delivery } from './channels.ts';
import { newCounters } from './counters.ts';
import { Requeue } from './requeue.ts';
import type { OrderInWork } from './settlement.ts';

const delivery = (tag: number) => ({ msg: { fields: { deliveryTag: tag } } }) as Delivery;
const inWork = (d: Delivery) => ({ d }) as OrderInWork;

function setUp() {
  const requeued: Delivery[] = [];
  const counters = newCounters();
  const { log, lines } = recordingLog();
  const r = new Requeue({ settlement: { requeue: (d) => void requeued.push(d) }, counters, log });
  return { r, requeued, counters, lines };
}

describe('Requeue', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands each message of a failed batch back once, after a pause', async () => {
    vi.useFakeTimers();
    const { r, requeued, counters, lines } = setUp();
    const [a, b] = [delivery(1), delivery(2)];
    const done = r.failed('batch', [inWork(a), inWork(a), inWork(b)], new Error('boom'));
    expect(counters.failedBatches).toBe(1);
    expect(lines).toEqual([
      ['error', 'batch failed; requeueing its messages', { err: new Error('boom'), orders: 3 }],
    ]);
    await vi.advanceTimersByTimeAsync(150);
    expect(requeued).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    await done;
    expect(requeued).toEqual([a, b]);
  });

  it('counts a failed settling with failed batches, and pauses longer each time (up to ~4 s)', async () => {
    vi.useFakeTimers();
    const { r, requeued, counters, lines } = setUp();
    counters.failedBatches = 9;
    const done = r.failed('settling', [inWork(delivery(1))], new Error('redis away'));
    expect(lines[0]?.[1]).toBe('settling failed; requeueing its messages');
    await vi.advanceTimersByTimeAsync(2_500);
    expect(requeued).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_500);
    await done;
    expect([counters.failedBatches, requeued.length]).toEqual([10, 1]);
  });

  it('hands deliveries back after the pause it is given', async () => {
    vi.useFakeTimers();
    const { r, requeued, counters } = setUp();
    const later = r.later(500, [delivery(1)]);
    await vi.advanceTimersByTimeAsync(499);
    expect(requeued).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await later;
    expect([requeued.length, counters.failedBatches]).toEqual([1, 0]);
  });
});
