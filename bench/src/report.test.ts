import type { ConsistencyReport } from '@seckill/contracts';
import { describe, expect, it } from 'vitest';
import { renderHtml } from './html.ts';
import { assembleReport, formatReport, formatTable, verdictOf } from './report.ts';
import type { DurableFigures } from './phases/throughput.ts';
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

const durable = (over: Partial<DurableFigures> = {}): DurableFigures => ({
  accepted: 130_000,
  acceptedPerSec: 13_000,
  committed: 130_000,
  committedInWindow: 120_000,
  windowMs: 10_000,
  durableOrdersPerSec: 12_000,
  lastCommitLagMs: 180,
  clock: { offsetMs: 0.5, uncertaintyMs: 1 },
  published: { messages: 13_000, orders: 130_000, ordersPerMessage: 10 },
  cpuUsPerAccepted: 310,
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

describe('durable orders, path ratio and the matrix', () => {
  it('puts the order phase’s durable figures at the top level and checks the issue’s targets', () => {
    const r = assembleReport({
      ...parts,
      settings: { queueType: 'quorum', groupCommit: true },
      baseline: stats(20_000, 10),
      orders: { ...stats(13_000, 40, { '202 queued': 130_000 }), durable: durable() },
      late: stats(31_000, 12),
      crowd: {
        strategy: 'redis-mq',
        goodsId: 1,
        users: 10_000,
        stock: 1000,
        outcomes: { success: 1000, 'sold out': 9000 },
        endpoints: { path: stats(11_000, 30) },
        seconds: 2.4,
        requests: 30_000,
        cpuUs: {},
        orders: 1000,
        duplicates: 0,
        oversold: 0,
        unsold: 0,
        firstOrderToLastCommitMs: 900,
        lastOrderToLastCommitMs: 40,
        consistency: null,
      },
    });
    expect(r.durableOrdersPerSec).toBe(12_000);
    expect(r.lastCommitLagMs).toBe(180);
    expect(r.pathRatio).toBe(0.55);
    expect(r.orderRatio).toBe(0.65);
    const met = Object.fromEntries(r.targets.map((t) => [t.name, t.met]));
    expect(met['order phase: last accepted order → its commit in MySQL (ms)']).toBe(true);
    expect(met['crowd: served, first request → last answer (s)']).toBe(true);
    expect(met['crowd: path requests vs baseline (rps ratio)']).toBe(true);
    expect(met['late orders vs baseline (rps ratio)']).toBe(true);
    const json = JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
    expect(json).toMatchObject({
      durableOrdersPerSec: 12_000,
      lastCommitLagMs: 180,
      pathRatio: 0.55,
    });
    const text = formatReport(r);
    expect(text).toContain('quorum order queue, group commit on');
    expect(text).toContain(
      'order requests: 13,000 req/s (0.65× baseline), accepted 13,000/s, p99 40.0 ms · durable 12,000 orders/s committed in MySQL (120,000 of 130,000 accepted, within the 10,000 ms window)',
    );
    expect(text).toContain('last accepted order → its commit in MySQL: 180 ms');
    expect(text).toContain('10.00 orders per message (130,000 in 13,000)');
    expect(text).toContain('whole-stack CPU 310 µs per accepted order');
  });

  it('holds the order phase to the durable limit, accepted and durable rates both', () => {
    const r = assembleReport({
      ...parts,
      baseline: stats(20_000, 10),
      durableLimit: {
        ...stats(16_000, 20, { '202 queued': 160_000 }),
        cpuUs: { bench: 60, baseline: 70, 'baseline consumer': 30, total: 160 },
        durable: durable({ durableOrdersPerSec: 15_000, cpuUsPerAccepted: 160 }),
      },
      orders: { ...stats(13_000, 40, { '202 queued': 130_000 }), durable: durable() },
    });
    expect(r.durableLimitRatio).toEqual({ accepted: 0.813, durable: 0.8 });
    expect(r.durableLimit?.durableOrdersPerSec).toBe(15_000);
    expect(r.endpoints.map((e) => e.name)).toEqual(['durable limit', 'order requests']);
    const met = Object.fromEntries(r.targets.map((t) => [t.name, [t.value, t.goal, t.met]]));
    expect(met['order requests vs the durable limit (accepted rate ratio)']).toEqual([
      0.813,
      '≥ 0.8',
      true,
    ]);
    expect(met['order requests vs the durable limit (durable rate ratio)']).toEqual([
      0.8,
      '≥ 0.8',
      true,
    ]);
    expect(met['order requests vs baseline (rps ratio)']).toEqual([0.65, '≥ 0.45', true]);
    expect(JSON.parse(JSON.stringify(r))).toMatchObject({
      durableLimitRatio: { accepted: 0.813, durable: 0.8 },
    });
    const text = formatReport(r);
    expect(text).toMatch(/durable limit\s+160,000\s+16,000\s+0\.80×/);
    expect(text).toContain(
      'durable limit: 16,000 req/s (0.80× baseline), accepted 13,000/s, p99 20.0 ms · durable 15,000 orders/s',
    );
    expect(text).toContain('whole-stack CPU 160 µs per accepted order');
    expect(text).toContain(
      'order requests ÷ durable limit (durableLimitRatio): accepted 0.81×, durable 0.80×',
    );
    expect(text).toMatch(/phase\s+bench\s+baseline\s+baseline consumer\s+total/);
    expect(renderHtml(r)).toContain('<b>durableLimitRatio</b>');
    // Without the order phase there is nothing to hold to it.
    const alone = assembleReport({ ...parts, durableLimit: r.endpoints[0]?.stats });
    expect(alone.durableLimitRatio).toBeNull();
  });

  it('fails the commit-lag target past a second, and says when orders per message were not seen', () => {
    const r = assembleReport({
      ...parts,
      baseline: stats(20_000, 10),
      orders: {
        ...stats(13_000, 40),
        durable: durable({ lastCommitLagMs: 1500, published: null }),
      },
    });
    const lag = r.targets.find((t) => t.name.startsWith('order phase: last accepted'));
    expect(lag).toMatchObject({ value: 1500, met: false });
    expect(r.pathRatio).toBeNull();
    expect(formatReport(r)).toContain('orders per message: not observed');
  });

  it('prints a row per matrix cell and keeps them in the JSON', () => {
    const r = assembleReport({
      ...parts,
      kind: 'matrix',
      baseline: stats(20_000, 10),
      matrix: [
        {
          queueType: 'quorum',
          groupCommit: true,
          orders: { ...stats(12_000, 30), durable: durable({ acceptedPerSec: 12_000 }) },
        },
        {
          queueType: 'classic',
          groupCommit: false,
          orders: {
            ...stats(4000, 80),
            durable: durable({
              acceptedPerSec: 4000,
              durableOrdersPerSec: 3900,
              cpuUsPerAccepted: 640,
              lastCommitLagMs: 25,
              published: { messages: 40_000, orders: 40_000, ordersPerMessage: 1 },
            }),
          },
        },
      ],
      consistency: [sale()],
    });
    expect(r.matrix).toMatchObject([
      { cell: 'quorum, group commit on', acceptedRps: 12_000, orderRatio: 0.6, p99: 30 },
      {
        cell: 'classic, group commit off',
        durableOrdersPerSec: 3900,
        cpuUsPerAccepted: 640,
        ordersPerMessage: 1,
      },
    ]);
    expect(r.endpoints.map((e) => e.name)).toEqual([
      'orders: quorum, group commit on',
      'orders: classic, group commit off',
    ]);
    expect(r.targets.map((t) => t.met)).toEqual([true]);
    const text = formatReport(r);
    expect(text).toMatch(
      /quorum, group commit on\s+12,000\s+0\.60×\s+12,000\s+30\.0\s+310\s+10\.00\s+180/,
    );
    expect(text).toMatch(
      /classic, group commit off\s+4,000\s+0\.20×\s+3,900\s+80\.0\s+640\s+1\.00\s+25/,
    );
    expect(renderHtml(r)).toContain('queue type × group commit');
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

  it('works out what the order and late targets leave the API from the CPU table', () => {
    const cpu = (c: Record<string, number>) => ({
      ...c,
      total: Object.values(c).reduce((a, b) => a + b, 0),
    });
    const r = assembleReport({
      ...parts,
      baseline: { ...stats(20_000, 10), cpuUs: cpu({ bench: 80, baseline: 70, redis: 30 }) },
      orders: {
        ...stats(10_000, 20),
        cpuUs: cpu({ bench: 90, api: 120, consumer: 60, redis: 30 }),
      },
      late: { ...stats(25_000, 10), cpuUs: cpu({ bench: 75, api: 60 }) },
    });
    expect(r.cpuBudgets.map((b) => [b.name, b.allowedUs, b.restUs, b.apiBudgetUs])).toEqual([
      ['order requests', 400, 180, 220],
      ['late orders', 120, 75, 45],
    ]);
    const text = formatReport(r);
    expect(text).toContain('what each rate target leaves the API');
    expect(text).toContain('order requests ≥ 0.45×: the whole stack may use 400 µs per answer');
    expect(text).toContain('leaving the API 45 µs — it used 60');
    // Without a CPU table (another machine's URL), nothing is worked out.
    const bare = assembleReport({
      ...parts,
      baseline: stats(20_000, 10),
      orders: stats(10_000, 20),
    });
    expect(bare.cpuBudgets).toEqual([]);
    expect(formatReport(bare)).not.toContain('leaves the API');
  });
});
