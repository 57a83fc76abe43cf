import { describe, expect, it } from 'vitest';
import {
  answerLabel,
  bracketed,
  endpointStats,
  latency,
  percentile,
  Recorder,
  type EndpointStats,
} from './stats.ts';

describe('percentile', () => {
  it('is the nearest rank of a sorted list', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 90)).toBe(90);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile(xs, 0)).toBe(1);
  });

  it('handles tiny and empty lists', () => {
    expect(percentile([], 99)).toBe(0);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([1, 2], 50)).toBe(1);
    expect(percentile([1, 2], 51)).toBe(2);
  });

  it('latency() sorts before ranking', () => {
    expect(latency([5, 1, 4, 2, 3])).toEqual({ p50: 3, p90: 5, p99: 5, max: 5 });
  });
});

describe('endpointStats', () => {
  it('counts answers, rates them over the span, and slices them in time', () => {
    // 4 answers: sent at 1000, 1000, 1250, 1500 ms; each took 10 ms.
    const ends = [1010, 1010, 1260, 1510];
    const ms = [10, 10, 10, 10];
    const s = endpointStats(ends, ms, ['200', '200', '409 SOLD_OUT', '200'], 250);
    expect(s.count).toBe(4);
    expect(s.spanMs).toBe(510);
    expect(s.rps).toBeCloseTo(4 / 0.51, 1);
    expect(s.answers).toEqual({ '200': 3, '409 SOLD_OUT': 1 });
    expect(Object.keys(s.answers)[0]).toBe('200');
    // The 10 ms left after two slices is too thin to chart.
    expect(s.series.map((p) => p.t)).toEqual([0, 0.25]);
    expect(s.series[0]?.rps).toBe(8);
    expect(s.p99).toBe(10);
  });

  it('Recorder keeps kinds apart and knows their span', () => {
    const r = new Recorder();
    r.record('path', 110, 10, '200');
    r.record('order', 150, 20, '202 queued');
    r.record('order', 300, 50, '409 SOLD_OUT');
    expect(r.total).toBe(3);
    expect(r.count('order')).toBe(2);
    expect(r.span('order')).toEqual({ firstSent: 130, lastAnswered: 300, lastSent: 250 });
    expect(r.spanMs()).toBe(200);
    expect(r.stats('order').answers).toEqual({ '202 queued': 1, '409 SOLD_OUT': 1 });
    expect(r.stats('none').count).toBe(0);
    expect(r.lastAnswered('order', '202 queued')).toBe(150);
    expect(r.lastAnswered('order', '409 SOLD_OUT')).toBe(300);
    expect(r.lastAnswered('order', '500')).toBeNull();
    expect(r.lastAnswered('none', '202 queued')).toBeNull();
  });
});

describe('answerLabel', () => {
  it('names the status with the body code or status word', () => {
    expect(answerLabel(409, { code: 'SOLD_OUT', message: 'Sold out.' })).toBe('409 SOLD_OUT');
    expect(answerLabel(200, { status: 'queued' })).toBe('200 queued');
    expect(answerLabel(200, { path: 'x' })).toBe('200');
    expect(answerLabel(0, null)).toBe('error');
  });
});

describe('bracketed', () => {
  const run = (rps: number, p99: number, api: number): EndpointStats => ({
    count: rps * 10,
    rps,
    spanMs: 10_000,
    p50: p99 / 4,
    p90: p99 / 2,
    p99,
    max: p99 * 2,
    answers: { '202 queued': rps * 10 },
    series: [],
    cpuUs: { api, total: api * 2 },
  });

  it('takes the mean of the runs before and after, and adds up their answers', () => {
    const b = bracketed(run(10_000, 20, 60), run(8_000, 30, 80));
    expect([b.rps, b.p99, b.p50, b.max, b.count, b.spanMs]).toEqual([
      9_000, 25, 6.25, 60, 180_000, 20_000,
    ]);
    expect(b.answers).toEqual({ '202 queued': 180_000 });
    expect(b.cpuUs).toEqual({ api: 70, total: 140 });
  });
});
