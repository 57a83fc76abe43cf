import type { OrderResult } from '@seckill/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/api/errors';
import { backoffDelay, pollResult, type PollOutcome } from './pollResult';

function answers(...results: (OrderResult | Error)[]) {
  let i = 0;
  return vi.fn(async (_signal: AbortSignal): Promise<OrderResult> => {
    const next = results[Math.min(i++, results.length - 1)]!;
    if (next instanceof Error) throw next;
    return next;
  });
}

describe('backoffDelay', () => {
  it('grows by the factor and stops at the cap', () => {
    const b = { firstDelayMs: 400, factor: 1.5, maxDelayMs: 3000 };
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, b))).toEqual([
      400, 600, 900, 1350, 2025, 3000, 3000,
    ]);
  });
});

describe('pollResult', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks until the result is final, then stops', async () => {
    const fetch = answers(
      { status: 'queued' },
      { status: 'queued' },
      { status: 'success', orderId: '12' },
    );
    const outcome = pollResult({ fetch, firstDelayMs: 100, factor: 2 });
    await vi.advanceTimersByTimeAsync(100 + 200 + 400);
    await expect(outcome).resolves.toEqual({ status: 'success', orderId: '12' });
    expect(fetch).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each(['sold_out', 'failed', 'none'] as const)('treats %s as final', async (status) => {
    const fetch = answers({ status: 'queued' }, { status });
    const outcome = pollResult({ fetch, firstDelayMs: 10 });
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(outcome).resolves.toEqual({ status });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('backs off: waits longer before each new question', async () => {
    const fetch = answers({ status: 'queued' });
    const waits: number[] = [];
    void pollResult({
      fetch,
      firstDelayMs: 100,
      factor: 2,
      maxDelayMs: 350,
      maxAttempts: 10,
      onWait: (ms) => waits.push(ms),
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(fetch).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledTimes(1);
    // The second question comes 200 ms after the first, not 100.
    await vi.advanceTimersByTimeAsync(199);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(350 + 350);
    expect(fetch).toHaveBeenCalledTimes(4);
    expect(waits.slice(0, 5)).toEqual([100, 200, 350, 350, 350]);
  });

  it('gives up after the limit, saying the order may still go through', async () => {
    const fetch = answers({ status: 'queued' });
    const outcome = pollResult({ fetch, firstDelayMs: 10, factor: 1, maxAttempts: 5 });
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(outcome).resolves.toEqual({ status: 'gave_up' });
    expect(fetch).toHaveBeenCalledTimes(5);
  });

  it('keeps asking through retryable errors, counting them as attempts', async () => {
    const fetch = answers(
      new ApiError('NETWORK', 'offline', 0),
      new ApiError('RETRY', 'busy', 503),
      { status: 'success', orderId: '5' },
    );
    const outcome = pollResult({ fetch, firstDelayMs: 10, factor: 1 });
    await vi.advanceTimersByTimeAsync(100);
    await expect(outcome).resolves.toEqual({ status: 'success', orderId: '5' });
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('stops on an error that asking again cannot fix', async () => {
    const fetch = answers(new ApiError('TOKEN_INVALID', 'expired', 401));
    const outcome = pollResult({ fetch, firstDelayMs: 10 });
    const caught = outcome.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await caught).toMatchObject({ code: 'TOKEN_INVALID' });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('stops when the page is left (aborted), with no question pending', async () => {
    const controller = new AbortController();
    const fetch = answers({ status: 'queued' });
    const outcome = pollResult({ fetch, signal: controller.signal, firstDelayMs: 100, factor: 1 });
    await vi.advanceTimersByTimeAsync(250);
    expect(fetch).toHaveBeenCalledTimes(2);
    controller.abort();
    await expect(outcome).resolves.toEqual({ status: 'aborted' } satisfies PollOutcome);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});
