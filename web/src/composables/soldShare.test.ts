import { describe, expect, it } from 'vitest';
import { soldPercent } from './soldShare';

describe('soldPercent', () => {
  it('is 0 untouched and 100 sold out', () => {
    expect(soldPercent(10, 10)).toBe(0);
    expect(soldPercent(0, 10)).toBe(100);
    expect(soldPercent(0, 0)).toBe(0);
  });
  it('rounds, but never to 0 once something sold nor to 100 while some is left', () => {
    expect(soldPercent(37, 100)).toBe(63);
    expect(soldPercent(999, 1000)).toBe(1);
    expect(soldPercent(1, 1000)).toBe(99);
  });
  it('clamps counts out of range', () => {
    expect(soldPercent(-3, 10)).toBe(100);
    expect(soldPercent(12, 10)).toBe(0);
  });
});
