import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { salePhase, splitDuration, useCountdown } from './countdown';
import { clockOffset, createServerClock } from './serverClock';

const SERVER_NOW = Date.parse('2026-11-24T12:00:00.000Z');

describe('clockOffset', () => {
  it('adds half the round trip to the server stamp and subtracts the arrival time', () => {
    // Sent at 1000, answered at 1200: the stamp was taken ~100 ms before it arrived.
    const offset = clockOffset(new Date(SERVER_NOW).toISOString(), 1000, 1200);
    expect(offset).toBe(SERVER_NOW + 100 - 1200);
  });

  it('treats a negative round trip (clock stepped back mid-request) as zero', () => {
    expect(clockOffset(new Date(SERVER_NOW).toISOString(), 1200, 1000)).toBe(SERVER_NOW - 1000);
  });

  it('refuses a serverTime that is not a time', () => {
    expect(() => clockOffset('soon', 0, 0)).toThrow(/not a time/);
  });
});

describe('createServerClock', () => {
  it('reads the server time from any browser clock once synced', () => {
    let browser = 5_000;
    const clock = createServerClock(() => browser);
    clock.sync(new Date(SERVER_NOW).toISOString(), 4_800, 5_000);
    expect(clock.synced.value).toBe(true);
    expect(clock.now()).toBe(SERVER_NOW + 100);
    browser += 2_500;
    expect(clock.now()).toBe(SERVER_NOW + 2_600);
  });
});

describe('splitDuration', () => {
  it('splits into days, hours, minutes and seconds, rounding part-seconds up', () => {
    expect(splitDuration(((26 * 60 + 3) * 60 + 4) * 1000 + 1)).toEqual({
      days: 1,
      hours: 2,
      minutes: 3,
      seconds: 5,
    });
    expect(splitDuration(0)).toEqual({ days: 0, hours: 0, minutes: 0, seconds: 0 });
    expect(splitDuration(-5000)).toEqual({ days: 0, hours: 0, minutes: 0, seconds: 0 });
  });
});

describe('salePhase', () => {
  it('is upcoming before the start, active from the start, ended from the end', () => {
    expect(salePhase(99, 100, 200)).toBe('upcoming');
    expect(salePhase(100, 100, 200)).toBe('active');
    expect(salePhase(199, 100, 200)).toBe('active');
    expect(salePhase(200, 100, 200)).toBe('ended');
  });
});

describe('useCountdown', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function start(browserTime: number, window: { startAt: number; endAt: number }) {
    vi.setSystemTime(browserTime);
    const clock = createServerClock();
    // The answer took 200 ms; the server stamped it at SERVER_NOW.
    clock.sync(new Date(SERVER_NOW).toISOString(), browserTime - 200, browserTime);
    const onPhaseChange = vi.fn();
    const scope = effectScope();
    const countdown = scope.run(() =>
      useCountdown({ clock, window: () => window, onPhaseChange, tickMs: 250 }),
    )!;
    return { countdown, onPhaseChange, scope };
  }

  it('counts to the start on the server clock, whatever the browser clock says', () => {
    const window = { startAt: SERVER_NOW + 10_000, endAt: SERVER_NOW + 70_000 };
    // One browser is right, one is 3 years behind, one 5 hours ahead: all see the same.
    for (const browser of [
      SERVER_NOW,
      Date.parse('2023-01-01T00:00:00Z'),
      SERVER_NOW + 5 * 3600e3,
    ]) {
      const { countdown, scope } = start(browser, window);
      expect(countdown.phase.value).toBe('upcoming');
      expect(countdown.remaining.value).toBe(10_000 - 100);
      vi.advanceTimersByTime(4_000);
      expect(countdown.remaining.value).toBe(6_000 - 100);
      scope.stop();
    }
  });

  it('switches to the end when the start is reached, and says so once', () => {
    const { countdown, onPhaseChange, scope } = start(Date.parse('2030-06-01T00:00:00Z'), {
      startAt: SERVER_NOW + 1_000,
      endAt: SERVER_NOW + 61_000,
    });
    // 900 ms were left (the server is 100 ms ahead of the stamp); the next tick is at 1000.
    vi.advanceTimersByTime(750);
    expect(countdown.phase.value).toBe('upcoming');
    vi.advanceTimersByTime(250);
    expect(countdown.phase.value).toBe('active');
    expect(onPhaseChange).toHaveBeenCalledTimes(1);
    expect(onPhaseChange).toHaveBeenLastCalledWith('active');
    expect(countdown.remaining.value).toBe(61_000 - 1_100);
    vi.advanceTimersByTime(5_000);
    expect(onPhaseChange).toHaveBeenCalledTimes(1);
    scope.stop();
  });

  it('reaches zero at the end and stays there', () => {
    const { countdown, onPhaseChange, scope } = start(SERVER_NOW, {
      startAt: SERVER_NOW - 10_000,
      endAt: SERVER_NOW + 2_000,
    });
    expect(countdown.phase.value).toBe('active');
    vi.advanceTimersByTime(1_750);
    expect(countdown.remaining.value).toBe(150);
    vi.advanceTimersByTime(250);
    expect(countdown.phase.value).toBe('ended');
    expect(countdown.remaining.value).toBe(0);
    expect(onPhaseChange).toHaveBeenCalledWith('ended');
    vi.advanceTimersByTime(10_000);
    expect(countdown.remaining.value).toBe(0);
    scope.stop();
  });

  it('stops ticking when its scope ends (the page is left)', () => {
    const { countdown, scope } = start(SERVER_NOW, {
      startAt: SERVER_NOW + 60_000,
      endAt: SERVER_NOW + 120_000,
    });
    scope.stop();
    const frozen = countdown.remaining.value;
    vi.advanceTimersByTime(5_000);
    expect(countdown.remaining.value).toBe(frozen);
    expect(vi.getTimerCount()).toBe(0);
  });
});
