import type { LiveResponse, LiveSecond } from '@seckill/contracts';
import { describe, expect, it } from 'vitest';
import {
  contrastRatio,
  fillSeconds,
  LIVE_COLORS,
  pairs,
  toLiveView,
  wholeSeconds,
} from './liveSeries';

const T0 = Date.parse('2026-12-02T12:00:00.000Z');

function second(offset: number, over: Partial<LiveSecond> = {}): LiveSecond {
  return {
    t: T0 + offset * 1000,
    accepted: 0,
    committed: 0,
    soldOut: 0,
    p50Ms: null,
    p99Ms: null,
    queueDepth: 0,
    deadLetters: 0,
    ...over,
  };
}

function response(seconds: LiveSecond[], over: Partial<LiveResponse> = {}): LiveResponse {
  return {
    // Half-way through the newest second: that second is not over yet.
    serverTime: new Date(T0 + 9_500).toISOString(),
    windowSeconds: 10,
    seconds,
    instances: [],
    stock: [],
    ...over,
  };
}

const tenSeconds = (over: (i: number) => Partial<LiveSecond>) =>
  Array.from({ length: 10 }, (_, i) => second(i, over(i)));

describe('fillSeconds', () => {
  it('keeps a complete window as it is', () => {
    const seconds = tenSeconds((i) => ({ accepted: i }));
    expect(fillSeconds(response(seconds))).toEqual(seconds);
  });

  it('fills a missing second with zero counts and no measurements, so the line breaks', () => {
    const seconds = tenSeconds((i) => ({ accepted: 3, p50Ms: 4, queueDepth: 7 + i }));
    seconds.splice(4, 1);
    const filled = fillSeconds(response(seconds));
    expect(filled.map((s) => s.t)).toEqual(Array.from({ length: 10 }, (_, i) => T0 + i * 1000));
    expect(filled[4]).toEqual({
      t: T0 + 4000,
      accepted: 0,
      committed: 0,
      soldOut: 0,
      p50Ms: null,
      p99Ms: null,
      queueDepth: null,
      deadLetters: null,
    });
    expect(filled[5]!.queueDepth).toBe(12);
  });

  it('fills the window’s start when the answer begins late, and drops what is older', () => {
    const filled = fillSeconds(
      response([second(-30, { accepted: 99 }), second(9, { accepted: 1 })]),
    );
    expect(filled).toHaveLength(10);
    expect(filled[0]!.t).toBe(T0);
    expect(filled.map((s) => s.accepted)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('places buckets stamped inside a second at that second’s start', () => {
    const filled = fillSeconds(response([second(9, { t: T0 + 9_250, committed: 2 })]));
    expect(filled.at(-1)).toMatchObject({ t: T0 + 9000, committed: 2 });
  });

  it('ends an empty answer at the server’s current second', () => {
    const filled = fillSeconds(response([]));
    expect(filled).toHaveLength(10);
    expect(filled.at(-1)!.t).toBe(T0 + 9000);
    expect(filled.every((s) => s.accepted === 0 && s.p99Ms === null)).toBe(true);
  });
});

describe('wholeSeconds', () => {
  it('leaves out the second the server is still in', () => {
    const seconds = tenSeconds(() => ({}));
    const picked = wholeSeconds(seconds, new Date(T0 + 9_500).toISOString(), 5);
    expect(picked.map((s) => (s.t - T0) / 1000)).toEqual([4, 5, 6, 7, 8]);
  });

  it('keeps the newest second once it is over', () => {
    const seconds = tenSeconds(() => ({}));
    const picked = wholeSeconds(seconds, new Date(T0 + 10_000).toISOString(), 5);
    expect(picked.map((s) => (s.t - T0) / 1000)).toEqual([5, 6, 7, 8, 9]);
  });
});

describe('toLiveView', () => {
  it('averages the headline rates over the five latest whole seconds', () => {
    // 100/s in seconds 4–8; the current second 9 has only 7 so far and must not count.
    const seconds = tenSeconds((i) =>
      i === 9
        ? { accepted: 7, committed: 7 }
        : i >= 4
          ? { accepted: 100, committed: 80, soldOut: 10 }
          : { accepted: 1 },
    );
    const view = toLiveView(response(seconds));
    expect(view.acceptedRate).toBe(100);
    expect(view.committedRate).toBe(80);
    expect(view.soldOutRate).toBe(10);
    expect(view.totals).toEqual({ accepted: 4 + 500 + 7, committed: 407, soldOut: 50 });
    expect(view.hasOrders).toBe(true);
  });

  it('says there were no orders when every count is zero', () => {
    const view = toLiveView(response(tenSeconds(() => ({ queueDepth: 3 }))));
    expect(view.hasOrders).toBe(false);
    expect(view.acceptedRate).toBe(0);
    expect(view.totals).toEqual({ accepted: 0, committed: 0, soldOut: 0 });
  });

  it('counts sold-out answers as orders answered', () => {
    const view = toLiveView(response([second(3, { soldOut: 1 })]));
    expect(view.hasOrders).toBe(true);
  });

  it('keeps latency and queue gaps as null and reports the latest measured value', () => {
    const seconds = tenSeconds((i) =>
      i < 6 ? { p50Ms: 10 + i, p99Ms: 40 + i, queueDepth: i, deadLetters: 1 } : {},
    );
    seconds[8] = second(8, { queueDepth: null, deadLetters: null });
    seconds[9] = second(9, { queueDepth: null, deadLetters: null });
    const view = toLiveView(response(seconds));
    expect(view.p50Ms).toEqual([10, 11, 12, 13, 14, 15, null, null, null, null]);
    expect(view.latest).toEqual({ p50Ms: 15, p99Ms: 45, queueDepth: 0, deadLetters: 0 });
    expect(pairs(view.times, view.queueDepth).at(-1)).toEqual([T0 + 9000, null]);
  });

  it('turns stock into bars and keeps a sale Redis does not hold as unknown', () => {
    const view = toLiveView(
      response([], {
        stock: [
          { goodsId: 1, name: 'Phone', stockTotal: 200, stockLeft: 50 },
          { goodsId: 2, name: 'Lost', stockTotal: 10, stockLeft: null },
          { goodsId: 3, name: 'Empty', stockTotal: 0, stockLeft: 0 },
        ],
      }),
    );
    expect(view.stock).toEqual([
      { goodsId: 1, name: 'Phone', total: 200, left: 50, share: 0.25 },
      { goodsId: 2, name: 'Lost', total: 10, left: null, share: null },
      { goodsId: 3, name: 'Empty', total: 0, left: 0, share: 0 },
    ]);
  });

  it('lists instances API first, then consumers, each by id', () => {
    const instance = (kind: 'api' | 'consumer', id: string) => ({
      id,
      kind,
      pid: 1,
      metricsPort: null,
      lastSeen: new Date(T0).toISOString(),
    });
    const view = toLiveView(
      response([], {
        instances: [instance('consumer', 'c1'), instance('api', 'b'), instance('api', 'a')],
      }),
    );
    expect(view.instances.map((i) => i.id)).toEqual(['a', 'b', 'c1']);
  });
});

describe('LIVE_COLORS', () => {
  it('reads against white at WCAG AA (4.5:1) for every series', () => {
    for (const [name, colour] of Object.entries(LIVE_COLORS)) {
      expect(contrastRatio(colour, '#ffffff'), name).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('computes the known extremes', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5);
  });
});
