import type { Order } from '@seckill/contracts';
import { describe, expect, it } from 'vitest';
import { formatTimeLeft, isReleased, payTimeLeft, paymentPhase } from './orderPayment';

const NOW = Date.parse('2026-11-24T12:00:00.000Z');
const order = (status: Order['status'], expiresInMs = 60_000) => ({
  status,
  expiresAt: new Date(NOW + expiresInMs).toISOString(),
});

describe('paymentPhase', () => {
  it('is pending until the deadline on the server clock, then overdue, never paid', () => {
    expect(paymentPhase(order('pending_payment', 1), NOW)).toBe('pending');
    expect(paymentPhase(order('pending_payment', 0), NOW)).toBe('overdue');
    expect(paymentPhase(order('pending_payment', -5_000), NOW)).toBe('overdue');
  });

  it('follows the status once the order is settled, whatever the deadline', () => {
    expect(paymentPhase(order('paid', -1), NOW)).toBe('paid');
    expect(paymentPhase(order('cancelled', 60_000), NOW)).toBe('cancelled');
    expect(paymentPhase(order('expired', -1), NOW)).toBe('expired');
  });
});

describe('payTimeLeft', () => {
  it('counts to the deadline and stops at zero', () => {
    expect(payTimeLeft(order('pending_payment', 90_500), NOW)).toBe(90_500);
    expect(payTimeLeft(order('pending_payment', -1), NOW)).toBe(0);
  });

  it('is zero for an order that no longer waits for payment', () => {
    expect(payTimeLeft(order('paid', 90_000), NOW)).toBe(0);
    expect(payTimeLeft(order('cancelled', 90_000), NOW)).toBe(0);
  });
});

describe('formatTimeLeft', () => {
  it('writes minutes and seconds, rounding part-seconds up', () => {
    expect(formatTimeLeft(15 * 60_000)).toBe('15:00');
    expect(formatTimeLeft(4 * 60_000 + 59_001)).toBe('05:00');
    expect(formatTimeLeft(9_500)).toBe('00:10');
    expect(formatTimeLeft(0)).toBe('00:00');
    expect(formatTimeLeft(-3_000)).toBe('00:00');
  });

  it('adds hours from an hour up', () => {
    expect(formatTimeLeft(3_600_000 + 4 * 60_000 + 59_000)).toBe('1:04:59');
    expect(formatTimeLeft(26 * 3_600_000)).toBe('26:00:00');
  });
});

describe('isReleased', () => {
  it('is true for the orders that gave their unit back', () => {
    expect(isReleased('cancelled')).toBe(true);
    expect(isReleased('expired')).toBe(true);
    expect(isReleased('paid')).toBe(false);
    expect(isReleased('pending_payment')).toBe(false);
  });
});
