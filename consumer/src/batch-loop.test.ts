import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchLoop } from './batch-loop.ts';

/** A loop whose batches finish when the test says so; `log` shows starts, ends and failures. */
function setUp(opts: {
  batchSize?: number;
  concurrency?: number;
  fail?: (b: number[]) => boolean;
}) {
  const log: string[] = [];
  const finish: Array<() => void> = [];
  const loop = new BatchLoop<number>({
    batchSize: opts.batchSize ?? 3,
    batchWaitMs: 10,
    concurrency: opts.concurrency,
    run: (batch) => {
      log.push(`run ${batch.join(',')}`);
      if (opts.fail?.(batch)) return Promise.reject(new Error('boom'));
      return new Promise<void>((resolve) =>
        finish.push(() => {
          log.push(`done ${batch.join(',')}`);
          resolve();
        }),
      );
    },
    failed: async (batch, err) => void log.push(`failed ${batch.join(',')}: ${String(err)}`),
  });
  const finishNext = async () => {
    finish.shift()?.();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { loop, log, finishNext };
}

describe('BatchLoop', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a full batch at once and a partial one after the wait', async () => {
    vi.useFakeTimers();
    const { loop, log, finishNext } = setUp({ batchSize: 3 });
    loop.add([1, 2, 3, 4]);
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['run 1,2,3']);
    await finishNext();
    // The rest of a flush leaves with it, in batches of batchSize.
    expect(log).toEqual(['run 1,2,3', 'done 1,2,3', 'run 4']);
    await finishNext();
    loop.add([5]);
    loop.add([]);
    await vi.advanceTimersByTimeAsync(9);
    expect(log.at(-1)).toBe('done 4');
    await vi.advanceTimersByTimeAsync(1);
    expect(log.at(-1)).toBe('run 5');
  });

  it('runs the batches of one lane one after another, and lanes side by side', async () => {
    vi.useFakeTimers();
    const one = setUp({ batchSize: 1 });
    one.loop.add([1]);
    one.loop.add([2]);
    await vi.advanceTimersByTimeAsync(0);
    expect(one.log).toEqual(['run 1']);
    const two = setUp({ batchSize: 1, concurrency: 2 });
    two.loop.add([1]);
    two.loop.add([2]);
    two.loop.add([3]);
    await vi.advanceTimersByTimeAsync(0);
    expect(two.log).toEqual(['run 1', 'run 2']);
    await two.finishNext();
    expect(two.log).toEqual(['run 1', 'run 2', 'done 1', 'run 3']);
  });

  it('hands a failed batch to `failed`, and its lane goes on', async () => {
    vi.useFakeTimers();
    const { loop, log } = setUp({ batchSize: 1, fail: (b) => b[0] === 1 });
    loop.add([1]);
    loop.add([2]);
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['run 1', 'failed 1: Error: boom', 'run 2']);
  });

  it('runs out: flushes, waits for the lanes, and says whether anything came meanwhile', async () => {
    vi.useFakeTimers();
    const { loop, log, finishNext } = setUp({ batchSize: 5 });
    loop.add([1, 2]);
    const first: { quiet?: () => boolean } = {};
    void loop.runOut().then((q) => (first.quiet = q));
    await vi.advanceTimersByTimeAsync(0);
    expect([log, first.quiet]).toEqual([['run 1,2'], undefined]);
    loop.add([3]);
    await finishNext();
    expect(first.quiet?.()).toBe(false);
    const second = loop.runOut();
    await vi.advanceTimersByTimeAsync(0);
    expect(log.at(-1)).toBe('run 3');
    await finishNext();
    expect((await second)()).toBe(true);
  });
});
