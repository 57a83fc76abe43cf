import { describe, expect, it } from 'vitest';
import { cpuBudget, formatBudget } from './budget.ts';

// A run's CPU table (µs per answer): the baseline's, then the order phase's.
const baseline = { bench: 84, baseline: 65, api: 1, consumer: 1, redis: 21, total: 172 };
const orders = {
  bench: 84,
  api: 115,
  consumer: 52,
  redis: 31,
  rabbitmq: 23,
  mariadb: 25,
  total: 330,
};

describe('cpuBudget', () => {
  it('leaves the API what the goal allows after every other process', () => {
    const b = cpuBudget('order requests', 0.6, 0.49, baseline, orders);
    // 172 ÷ 0.6 = 286.7 allowed; 330 − 115 = 215 used by the rest; 71.7 left for the API.
    expect(b).toEqual({
      name: 'order requests',
      goal: 0.6,
      rateRatio: 0.49,
      cpuRatio: 0.521,
      allowedUs: 286.7,
      restUs: 215,
      apiBudgetUs: 71.7,
      apiUs: 115,
      bareServerUs: 65,
    });
    expect(formatBudget(b!)).toBe(
      '  order requests ≥ 0.6×: the whole stack may use 287 µs per answer (CPU ratio 0.52×, rate ' +
        'ratio 0.49×); all but the API used 215, leaving the API 72 µs — it used 115; the ' +
        "baseline's bare server used 65 per request",
    );
  });

  it('goes negative when the rest of the stack is already over the allowance', () => {
    const late = { bench: 120, api: 60, total: 180 };
    const b = cpuBudget('late orders', 1.5, 0.95, baseline, late);
    expect(b?.allowedUs).toBe(114.7);
    expect(b?.apiBudgetUs).toBe(-5.3);
  });

  it('is left out when either side was not metered', () => {
    expect(cpuBudget('late orders', 1.5, null, undefined, orders)).toBeNull();
    expect(cpuBudget('late orders', 1.5, null, baseline, {})).toBeNull();
    expect(cpuBudget('late orders', 1.5, null, { bench: 80, total: 100 }, orders)).toBeNull();
  });
});
