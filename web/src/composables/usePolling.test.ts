import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, shallowRef } from 'vue';
import { usePolling } from './usePolling';

describe('usePolling', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('repeats the task at the interval and stops with its scope (leaving the page)', async () => {
    const task = vi.fn(async () => {});
    const scope = effectScope();
    scope.run(() => usePolling(task, () => 1000));
    await vi.advanceTimersByTimeAsync(3500);
    expect(task).toHaveBeenCalledTimes(3);
    scope.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(task).toHaveBeenCalledTimes(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never runs two at once, and waits for a slow run before the next', async () => {
    let running = 0;
    let most = 0;
    const task = vi.fn(async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 2500));
      running--;
    });
    const scope = effectScope();
    const polling = scope.run(() => usePolling(task, () => 1000))!;
    void polling.refresh();
    void polling.refresh();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(most).toBe(1);
    // Each round takes 2.5 s of work then 1 s of waiting.
    expect(task.mock.calls.length).toBeLessThanOrEqual(3);
    scope.stop();
  });

  it('pauses while the interval is null and resumes when it is set', async () => {
    const task = vi.fn(async () => {});
    const every = shallowRef<number | null>(null);
    const scope = effectScope();
    scope.run(() => usePolling(task, () => every.value));
    await vi.advanceTimersByTimeAsync(5000);
    expect(task).not.toHaveBeenCalled();
    every.value = 500;
    await vi.advanceTimersByTimeAsync(1100);
    expect(task).toHaveBeenCalledTimes(2);
    scope.stop();
  });
});
