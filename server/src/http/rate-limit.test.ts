import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoadShedder, LocalLimiter, shedLoad } from './rate-limit.ts';

afterEach(() => vi.useRealTimers());

describe('LocalLimiter', () => {
  it('allows max hits per window per id, then again in the next window', () => {
    vi.useFakeTimers();
    const l = new LocalLimiter();
    const limit = { max: 2, windowMs: 1000 };
    expect([l.hit('o', 'a', limit), l.hit('o', 'a', limit), l.hit('o', 'a', limit)]).toEqual([
      true,
      true,
      false,
    ]);
    expect(l.hit('o', 'b', limit)).toBe(true);
    vi.advanceTimersByTime(1001);
    expect(l.hit('o', 'a', limit)).toBe(true);
    expect(l.hit('o', 'a', { max: 0, windowMs: 1 })).toBe(true);
    l.close();
  });
});

describe('shedLoad', () => {
  it('answers RATE_LIMITED at once past the in-flight cap', async () => {
    const mw = shedLoad(new LoadShedder(1, 0));
    let release: () => void = () => {};
    const held = mw({} as never, () => new Promise<void>((r) => (release = r)));
    await expect(mw({} as never, async () => {})).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      status: 429,
    });
    release();
    await held;
    await expect(mw({} as never, async () => {})).resolves.toBeUndefined();
  });

  it('answers RATE_LIMITED past the requests per second', async () => {
    const mw = shedLoad(new LoadShedder(0, 2));
    await mw({} as never, async () => {});
    await mw({} as never, async () => {});
    await expect(mw({} as never, async () => {})).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });
});
