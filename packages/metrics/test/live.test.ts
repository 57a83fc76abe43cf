import { randomBytes } from 'node:crypto';
import { deleteKeysWithPrefix } from '@seckill/stock';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { latencyQuantile, LiveRecorder, readLiveWindow } from '../src/index.ts';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `tlive${randomBytes(4).toString('hex')}:`;
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

describe('live buckets', () => {
  it('adds the counts of two processes sharing a prefix, each flushing its last second on stop', async () => {
    // The clock held mid-second: every count lands in one second, whatever the machine's speed.
    const now = Math.floor(Date.now() / 1000) * 1000 + 500;
    vi.useFakeTimers({ toFake: ['Date'], now });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const a = new LiveRecorder({
      redis,
      prefix,
      self: { id: 'a', kind: 'api', pid: 1, metricsPort: null },
    });
    const b = new LiveRecorder({
      redis,
      prefix,
      self: { id: 'b', kind: 'api', pid: 2, metricsPort: 9 },
    });
    a.start();
    b.start();
    for (let i = 0; i < 6; i += 1) a.orderAnswered('accepted', 3);
    for (let i = 0; i < 4; i += 1) b.orderAnswered('soldOut', 30);
    b.committed(5);
    await a.flush();
    const beforeStop = await readLiveWindow(redis, prefix, 30);
    expect(beforeStop.instances.map((i) => i.id)).toEqual(['a', 'b']);
    await Promise.all([a.stop(), b.stop()]);
    const { seconds, instances } = await readLiveWindow(redis, prefix, 30);
    const total = (f: 'accepted' | 'soldOut' | 'committed') =>
      seconds.reduce((n, s) => n + s[f], 0);
    expect([total('accepted'), total('soldOut'), total('committed')]).toEqual([6, 4, 5]);
    expect(instances).toEqual([]);
    // Both processes' buckets merged: 6 in 2–5 ms (a's), 4 in 20–50 ms (b's). The median is the
    // 5th of 10, in a's bucket (2 + 3 × 5/6); the p99 the 9.9th, in b's (20 + 30 × 3.9/4).
    expect(seconds.filter((s) => s.p50Ms !== null)).toEqual([
      {
        t: now - 500,
        accepted: 6,
        committed: 5,
        soldOut: 4,
        p50Ms: 4.5,
        p99Ms: 49.25,
        queueDepth: null,
        deadLetters: null,
      },
    ]);
  });

  it('computes percentiles from merged bucket counts', () => {
    // Buckets ≤1, ≤2, ≤5 ms: 50 in the first, 50 in the third.
    expect(latencyQuantile([50, 0, 50], 0.5)).toBe(1);
    expect(latencyQuantile([50, 0, 50], 0.99)).toBeCloseTo(4.94, 2);
    expect(latencyQuantile([0, 0, 0], 0.5)).toBeNull();
  });
});
