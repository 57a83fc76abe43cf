import type { ConsistencyReport } from '@seckill/contracts';
import { describe, expect, it } from 'vitest';
import { renderHtml } from './html.ts';
import { assembleReport, formatReport, formatTable, verdictOf } from './report.ts';
import { emptyStats, type EndpointStats } from './stats.ts';

const stats = (rps: number, p99: number, answers: Record<string, number> = {}): EndpointStats => ({
  ...emptyStats(),
  count: rps * 10,
  rps,
  p50: p99 / 4,
  p90: p99 / 2,
  p99,
  answers,
  series: [
    { t: 0, rps, p50: 1, p99 },
    { t: 0.25, rps: rps / 2, p50: 2, p99: p99 * 2 },
  ],
});

const sale = (over: Partial<ConsistencyReport> = {}): ConsistencyReport => ({
  goodsId: 1,
  name: 'x',
  stockTotal: 10,
  stockLeftDb: 0,
  stockLeftRedis: 0,
  ordersDb: 10,
  pending: 10,
  paid: 0,
  returned: 0,
  buyersRedis: 10,
  markedWithoutOrder: 0,
  ordersWithoutMark: 0,
  queue: { ready: 0, deadLetters: 0 },
  redisAhead: 0,
  duplicates: 0,
  oversold: 0,
  undersold: 0,
  money: { debits: 0, refunds: 0, paidPrices: 0, mismatched: 0, paidAndReturned: 0 },
  exact: true,
  ...over,
});

const parts = {
  kind: 'full' as const,
  machine: { cpus: 2, cpuModel: 'test', node: 'v20' },
  options: { connections: 100 },
  target: { url: 'http://127.0.0.1:1', own: true },
  now: new Date('2026-01-01T00:00:00Z'),
};

describe('assembleReport', () => {
  it('holds each ratio to the baseline and checks the targets', () => {
    const r = assembleReport({
      ...parts,
      baseline: stats(20_000, 10),
      orders: stats(13_000, 40),
      late: stats(17_000, 12),
      drain: {
        batched: {
          batchSize: 200,
          queued: 1000,
          written: 1000,
          commitSpanMs: 100,
          ordersPerSecond: 9000,
          wallMs: 200,
        },
        single: {
          batchSize: 1,
          queued: 1000,
          written: 1000,
          commitSpanMs: 900,
          ordersPerSecond: 1000,
          wallMs: 1000,
        },
        ratio: 9,
      },
      consistency: [sale()],
    });
    expect(r.orderRatio).toBe(0.65);
    expect(r.lateRatio).toBe(0.85);
    const met = Object.fromEntries(r.targets.map((t) => [t.name, t.met]));
    expect(met['order requests vs baseline (rps ratio)']).toBe(true);
    expect(met['order requests p99 (ms)']).toBe(true);
    expect(met['late orders vs baseline (rps ratio)']).toBe(false);
    expect(met['consumer drain, batched vs one tx per order']).toBe(true);
    expect(met['crowd: last order request → last commit (ms)']).toBeNull();
    expect(met['consistency verdict (oversold, undersold, duplicates)']).toBe(true);
    expect(r.endpoints.map((e) => e.name)).toEqual(['order requests', 'late orders']);
    expect(JSON.parse(JSON.stringify(r)).orderRatio).toBe(0.65);
  });

  it('has no ratio without a baseline, and a wrong verdict sums the faults', () => {
    const r = assembleReport({
      ...parts,
      orders: stats(100, 1),
      consistency: [sale(), sale({ goodsId: 2, oversold: 2, exact: false })],
    });
    expect(r.orderRatio).toBeNull();
    expect(r.verdict).toMatchObject({ exact: false, oversold: 2, undersold: 0 });
    expect(verdictOf([]).exact).toBe(false);
  });
});

describe('streams', () => {
  it('compares the order measurement without and with streams, in the JSON and the table', () => {
    const r = assembleReport({
      ...parts,
      baseline: stats(20_000, 10),
      streams: {
        wanted: 2000,
        open: 2000,
        refused: {},
        openMs: 1500,
        openAtStart: 2000,
        openAtEnd: 1999,
        events: { hello: 2000, stock: 18_000 },
        without: stats(4000, 40),
        with: stats(3000, 60),
      },
    });
    expect(r.streams).toMatchObject({
      open: 2000,
      openAtStart: 2000,
      openAtEnd: 1999,
      orderRpsWithout: 4000,
      orderRpsWith: 3000,
      rpsRatio: 0.75,
      orderP99Without: 40,
      orderP99With: 60,
      p99Ratio: 1.5,
    });
    expect(r.endpoints.map((e) => e.name)).toEqual(['orders, no SSE', 'orders, 2000 SSE']);
    const text = formatReport(r);
    expect(text).toMatch(/orders, 2000 SSE\s+30,000\s+3,000\s+0\.15×/);
    expect(text).toContain('open at start / end of the measured window: 2,000 / 1,999');
    expect(text).toContain('4,000 → 3,000 req/s (0.75×), p99 40.0 → 60.0 ms (1.50×)');
    expect(text).toContain('hello ×2,000 · stock ×18,000');
    expect(renderHtml(r)).toContain('without and with SSE streams');
  });
});

describe('text and HTML', () => {
  it('formats aligned tables', () => {
    expect(
      formatTable(
        ['a', 'bb'],
        [
          ['xyz', '1'],
          ['q', '100'],
        ],
      ).split('\n'),
    ).toEqual(['a     bb', '───  ───', 'xyz    1', 'q    100']);
  });

  it('prints every endpoint with its ratios, and the strategy table', () => {
    const r = assembleReport({
      ...parts,
      baseline: stats(20_000, 10, { '202 queued': 200_000 }),
      orders: stats(10_000, 20, { '202 queued': 100_000 }),
      consistency: [sale()],
      strategies: [
        {
          strategy: 'naive',
          rps: 900,
          shoppersPerSecond: 900,
          p99: 30,
          orders: 40,
          oversold: 30,
          unsold: 0,
          duplicates: 0,
          seconds: 1.1,
          outcomes: { success: 40 },
        },
      ],
    });
    const text = formatReport(r);
    expect(text).toMatch(/baseline: node:http \+ 1 Lua\s+200,000\s+20,000\s+1\.00×/);
    // p50 5 ms against the baseline's 2.5 ms: twice as slow.
    expect(text).toMatch(/order requests\s+100,000\s+10,000\s+0\.50×\s+5\.00\s+2\.00×/);
    expect(text).toContain('202 queued ×100,000');
    expect(text).toMatch(/naive\s+900\s+30\.0\s+40\s+30\s+0\s+0\s+1\.1\s+900\s+success ×40/);
    expect(text).toContain('verdict: EXACT');
    const html = renderHtml(r);
    expect(html).toContain('<svg');
    expect(html).toContain('<polyline');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });
});
