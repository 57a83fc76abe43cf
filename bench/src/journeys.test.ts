import { afterEach, describe, expect, it, vi } from 'vitest';
import { labCrowd, Outcomes, POLL_MS, shopperCrowd } from './journeys.ts';

// A failed assertion must not leave fake timers on for the next test.
afterEach(() => vi.useRealTimers());

const users = [
  { id: 1, token: 't1' },
  { id: 2, token: 't2' },
];

describe('shopperCrowd', () => {
  it('takes a shopper through path, order and polls to a final result', () => {
    vi.useFakeTimers();
    const outcomes = new Outcomes();
    const conn = shopperCrowd(users.slice(0, 1), 9, outcomes)();
    const path = conn.next();
    expect(path).toMatchObject({ kind: 'path', method: 'POST', path: '/api/seckill/9/path' });
    conn.answered(path!, 200, { path: 'p'.repeat(32) });
    const order = conn.next();
    expect(order).toMatchObject({ kind: 'order', path: `/api/seckill/9/${'p'.repeat(32)}/order` });
    conn.answered(order!, 202, { status: 'queued' });
    // Nobody else to serve: it polls at once, then waits POLL_MS between polls.
    const poll = conn.next();
    expect(poll).toMatchObject({ kind: 'result', method: 'GET' });
    conn.answered(poll!, 200, { status: 'queued' });
    vi.advanceTimersByTime(POLL_MS);
    const again = conn.next();
    conn.answered(again!, 200, { status: 'success', orderId: '1' });
    expect(conn.next()).toBeNull();
    expect(outcomes.summary()).toEqual({ success: 1 });
    vi.useRealTimers();
  });

  it('serves the next shopper while one waits to poll, and ends refused ones', () => {
    const outcomes = new Outcomes();
    const conn = shopperCrowd(users, 9, outcomes)();
    const p1 = conn.next()!;
    conn.answered(p1, 200, { path: 'a'.repeat(32) });
    conn.answered(conn.next()!, 202, { status: 'queued' });
    const p2 = conn.next()!;
    expect(p2.token).toBe('t2');
    conn.answered(p2, 409, { code: 'SOLD_OUT' });
    expect(outcomes.byUser.get(2)).toBe('SOLD_OUT');
    expect(conn.next()?.kind).toBe('result');
  });

  it('asks for a new path after a 503 on the order, and gives up after three tries', () => {
    const outcomes = new Outcomes();
    const conn = shopperCrowd(users.slice(0, 1), 9, outcomes)();
    for (let i = 0; i < 3; i += 1) {
      const path = conn.next()!;
      expect(path.kind).toBe('path');
      conn.answered(path, 200, { path: 'a'.repeat(32) });
      conn.answered(conn.next()!, 503, { code: 'RETRY' });
    }
    expect(conn.next()).toBeNull();
    expect(outcomes.summary()).toEqual({ 'gave up (503)': 1 });
  });
});

describe('labCrowd', () => {
  it('orders once per shopper through the lab route; 201 is final', () => {
    const outcomes = new Outcomes();
    const conn = labCrowd(users, 'naive', 4, outcomes)();
    const shot = conn.next()!;
    expect(shot).toMatchObject({ kind: 'order', path: '/api/lab/naive/4/order', token: 't1' });
    conn.answered(shot, 201, { status: 'success' });
    const second = conn.next()!;
    conn.answered(second, 503, { code: 'RETRY' });
    expect(conn.next()?.token).toBe('t2');
    conn.answered(second, 409, { code: 'SOLD_OUT' });
    expect(conn.next()).toBeNull();
    expect(outcomes.summary()).toEqual({ success: 1, SOLD_OUT: 1 });
  });
});
