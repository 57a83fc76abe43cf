import { afterEach, describe, expect, it, vi } from 'vitest';
import { SoldOutFlags } from './sold-out.ts';

afterEach(() => vi.useRealTimers());

describe('SoldOutFlags', () => {
  it('answers sold out until the flag expires or is cleared', () => {
    vi.useFakeTimers();
    const flags = new SoldOutFlags(1000);
    expect(flags.isSoldOut(1)).toBe(false);
    flags.markSoldOut(1);
    expect(flags.isSoldOut(1)).toBe(true);
    expect(flags.isSoldOut(2)).toBe(false);
    vi.advanceTimersByTime(1001);
    expect(flags.isSoldOut(1)).toBe(false);
    flags.markSoldOut(1);
    flags.clear(1);
    expect(flags.isSoldOut(1)).toBe(false);
  });

  it('is off with a zero lifetime', () => {
    const flags = new SoldOutFlags(0);
    flags.markSoldOut(1);
    expect(flags.isSoldOut(1)).toBe(false);
  });
});
