import { describe, expect, it } from 'vitest';
import { amountProblem, centsToYuanInput, formatYuan, yuanToCents } from './money';

describe('money', () => {
  it('formats cents as yuan with two decimals and thousands separators', () => {
    expect(formatYuan(0)).toBe('¥0.00');
    expect(formatYuan(5)).toBe('¥0.05');
    expect(formatYuan(129_900)).toBe('¥1,299.00');
    expect(formatYuan(99_999_999)).toBe('¥999,999.99');
  });

  it('reads yuan typed by people into integer cents without float drift', () => {
    expect(yuanToCents('12')).toBe(1200);
    expect(yuanToCents('12.3')).toBe(1230);
    expect(yuanToCents('0.29')).toBe(29);
    expect(yuanToCents('1,299.99')).toBe(129_999);
    expect(yuanToCents('¥19.90')).toBe(1990);
    expect(yuanToCents(' 4.35 ')).toBe(435);
  });

  it('refuses what is not an amount of yuan', () => {
    for (const bad of ['', '.5', '1.234', '-3', '1e3', 'abc', '12.']) {
      expect(yuanToCents(bad)).toBeNull();
    }
  });

  it('writes cents back for a form field', () => {
    expect(centsToYuanInput(1990)).toBe('19.90');
    expect(centsToYuanInput(7)).toBe('0.07');
  });
});

describe('amountProblem', () => {
  it('names what is wrong with a typed amount, or nothing', () => {
    expect(amountProblem('  ')).toBe('required');
    expect(amountProblem('1.234')).toBe('money');
    expect(amountProblem('0')).toBe('moneyRange');
    expect(amountProblem('1000000.01')).toBe('moneyRange');
    expect(amountProblem('1000000')).toBeNull();
    expect(amountProblem('0.01')).toBeNull();
  });
});
