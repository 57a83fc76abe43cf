import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordingLog } from '../test/fakes.ts';
import { PermanentFailure } from './errors.ts';
import { retrying } from './retrying.ts';

/** A call that fails with `errors` in turn, then answers 'ok'. */
function failing(...errors: unknown[]) {
  let calls = 0;
  const fn = async () => {
    calls += 1;
    const err = errors.shift();
    if (err) throw err;
    return 'ok';
  };
  return { fn, calls: () => calls };
}
const lost = () => Object.assign(new Error('lost'), { code: 'PROTOCOL_CONNECTION_LOST' });

describe('retrying', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits out transient errors however many there are, logging each', async () => {
    vi.useFakeTimers();
    const { log, lines } = recordingLog();
    const retry = retrying({ log, maxUnknownAttempts: 2 });
    const call = failing(...Array.from({ length: 8 }, lost));
    const result = retry('write', call.fn);
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('ok');
    expect(call.calls()).toBe(9);
    expect(lines).toHaveLength(8);
    expect(lines[0]).toEqual([
      'warn',
      'retrying',
      { err: 'lost', what: 'write', attempt: 0, wait: expect.any(Number) },
    ]);
  });

  it('gives up on an unknown error after the attempts allowed', async () => {
    vi.useFakeTimers();
    const { log } = recordingLog();
    const call = failing(new Error('odd'), new Error('odd'), new Error('odd'));
    const result = retrying({ log, maxUnknownAttempts: 3 })('claim', call.fn);
    const settled = expect(result).rejects.toThrow('odd');
    await vi.runAllTimersAsync();
    await settled;
    expect(call.calls()).toBe(3);
  });

  it('throws a permanent error at once', async () => {
    const { log, lines } = recordingLog();
    const retry = retrying({ log, maxUnknownAttempts: 5 });
    const fk = Object.assign(new Error('fk'), { code: 'ER_NO_REFERENCED_ROW_2' });
    await expect(retry('write', failing(fk).fn)).rejects.toBe(fk);
    await expect(retry('write', failing(new PermanentFailure('no goods')).fn)).rejects.toThrow(
      'no goods',
    );
    expect(lines).toEqual([]);
  });
});
