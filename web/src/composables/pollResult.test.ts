import type { OrderResult } from '@seckill/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/api/errors';
import {
  backoffDelay,
  pollResult,
  type PollOutcome,
  type ResultListener,
  type ResultPush,
} from './pollResult';

function answers(...results: (OrderResult | Error)[]) {
  let i = 0;
  return vi.fn(async (_signal: AbortSignal): Promise<OrderResult> => {
    const next = results[Math.min(i++, results.length - 1)]!;
    if (next instanceof Error) throw next;
    return next;
  });
}

/** The stream as the wait sees it: the test says when it is up and what it pushes. */
function fakePush(up: boolean, buffered?: OrderResult) {
  let connected = up;
  const listeners = new Set<ResultListener>();
  const push: ResultPush = {
    connected: () => connected,
    listen(l) {
      listeners.add(l);
      if (buffered) l.result(buffered);
      return () => listeners.delete(l);
    },
  };
  return {
    push,
    listeners,
    send: (r: OrderResult) => listeners.forEach((l) => l.result(r)),
    hello() {
      connected = true;
      listeners.forEach((l) => l.hello());
    },
    down() {
      connected = false;
      listeners.forEach((l) => l.down());
    },
  };
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

describe('pollResult with the event stream', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks nothing while the stream is up: the pushed result ends the wait', async () => {
    const stream = fakePush(true);
    const fetch = answers({ status: 'queued' });
    const outcome = pollResult({ fetch, push: stream.push, firstDelayMs: 100 });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(fetch).not.toHaveBeenCalled();
    stream.send({ status: 'queued' });
    stream.send({ status: 'success', orderId: '81' });
    await expect(outcome).resolves.toEqual({ status: 'success', orderId: '81' });
    expect(fetch).not.toHaveBeenCalled();
    expect(stream.listeners.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('takes a result pushed before the wait began (between the order and the wait)', async () => {
    const stream = fakePush(true, { status: 'sold_out' });
    const fetch = answers({ status: 'queued' });
    await expect(pollResult({ fetch, push: stream.push })).resolves.toEqual({
      status: 'sold_out',
    });
    expect(fetch).not.toHaveBeenCalled();
    expect(stream.listeners.size).toBe(0);
  });

  it('polls with backoff while the stream is down', async () => {
    const stream = fakePush(false);
    const fetch = answers({ status: 'queued' }, { status: 'queued' }, { status: 'failed' });
    const outcome = pollResult({ fetch, push: stream.push, firstDelayMs: 100, factor: 2 });
    await vi.advanceTimersByTimeAsync(99);
    expect(fetch).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1 + 200 + 400);
    await expect(outcome).resolves.toEqual({ status: 'failed' });
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('stops polling at the hello, re-reads once, then waits for the push', async () => {
    const stream = fakePush(false);
    const fetch = answers({ status: 'queued' });
    const outcome = pollResult({ fetch, push: stream.push, firstDelayMs: 100, factor: 1 });
    await vi.advanceTimersByTimeAsync(250);
    expect(fetch).toHaveBeenCalledTimes(2);
    stream.hello();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetch).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(fetch).toHaveBeenCalledTimes(3);
    stream.send({ status: 'success', orderId: '5' });
    await expect(outcome).resolves.toEqual({ status: 'success', orderId: '5' });
  });

  it('finds in the re-read after a hello a result pushed while no stream was open', async () => {
    const stream = fakePush(true);
    const fetch = answers({ status: 'success', orderId: '9' });
    const outcome = pollResult({ fetch, push: stream.push });
    stream.down();
    stream.hello();
    await expect(outcome).resolves.toEqual({ status: 'success', orderId: '9' });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('goes back to polling when the stream drops', async () => {
    const stream = fakePush(true);
    const fetch = answers({ status: 'queued' }, { status: 'success', orderId: '3' });
    const outcome = pollResult({ fetch, push: stream.push, firstDelayMs: 100, factor: 1 });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fetch).not.toHaveBeenCalled();
    stream.down();
    await vi.advanceTimersByTimeAsync(200);
    await expect(outcome).resolves.toEqual({ status: 'success', orderId: '3' });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('reads again after a hello that came while a poll was in flight', async () => {
    const stream = fakePush(false);
    let answer!: (r: OrderResult) => void;
    const fetch = vi
      .fn<(s: AbortSignal) => Promise<OrderResult>>()
      .mockImplementationOnce(() => new Promise((r) => (answer = r)))
      .mockResolvedValueOnce({ status: 'success', orderId: '4' });
    const outcome = pollResult({ fetch, push: stream.push, firstDelayMs: 10 });
    await vi.advanceTimersByTimeAsync(10);
    expect(fetch).toHaveBeenCalledTimes(1);
    stream.hello();
    answer({ status: 'queued' });
    await expect(outcome).resolves.toEqual({ status: 'success', orderId: '4' });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('gives up after the polls run out, or after the longest wait even with the stream up', async () => {
    const down = fakePush(false);
    const polled = pollResult({
      fetch: answers({ status: 'queued' }),
      push: down.push,
      firstDelayMs: 10,
      factor: 1,
      maxAttempts: 3,
    });
    await vi.advanceTimersByTimeAsync(100);
    await expect(polled).resolves.toEqual({ status: 'gave_up' });

    const up = fakePush(true);
    const pushed = pollResult({ fetch: answers(), push: up.push, maxWaitMs: 60_000 });
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(pushed).resolves.toEqual({ status: 'gave_up' });
    expect(up.listeners.size).toBe(0);
  });

  it('keeps polling through retryable errors and stops on others', async () => {
    const stream = fakePush(false);
    const ok = pollResult({
      fetch: answers(new ApiError('RETRY', 'busy', 503), { status: 'none' }),
      push: stream.push,
      firstDelayMs: 10,
      factor: 1,
    });
    await vi.advanceTimersByTimeAsync(100);
    await expect(ok).resolves.toEqual({ status: 'none' });

    const bad = pollResult({
      fetch: answers(new ApiError('TOKEN_INVALID', 'expired', 401)),
      push: stream.push,
      firstDelayMs: 10,
    });
    const caught = bad.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await caught).toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('stops when the page is left, leaving no timer or listener behind', async () => {
    const stream = fakePush(false);
    const controller = new AbortController();
    const fetch = answers({ status: 'queued' });
    const outcome = pollResult({
      fetch,
      push: stream.push,
      signal: controller.signal,
      firstDelayMs: 100,
      factor: 1,
    });
    await vi.advanceTimersByTimeAsync(150);
    controller.abort();
    await expect(outcome).resolves.toEqual({ status: 'aborted' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(stream.listeners.size).toBe(0);
  });
});
