import { describe, expect, it } from 'vitest';
import { OrderIds } from './order-ids.ts';

describe('OrderIds', () => {
  it('hands out unique, increasing ids that carry the worker', () => {
    const ids = new OrderIds(5);
    const made = Array.from({ length: 5000 }, () => BigInt(ids.next()));
    expect(new Set(made).size).toBe(5000);
    for (let i = 1; i < made.length; i += 1) expect(made[i]! > made[i - 1]!).toBe(true);
    expect(Number((made[0]! >> 10n) & 0xfffn)).toBe(5);
    expect(made.every((id) => id < 2n ** 63n)).toBe(true);
  });

  it('two workers never collide in the same millisecond', () => {
    const a = new OrderIds(1);
    const b = new OrderIds(2);
    const all = new Set<string>();
    for (let i = 0; i < 2000; i += 1) {
      all.add(a.next());
      all.add(b.next());
    }
    expect(all.size).toBe(4000);
  });
});
