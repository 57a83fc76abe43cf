import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await fn();
  return [v, performance.now() - t];
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ consumer: false });
});
afterAll(() => h?.close());

describe('per-user and per-IP limits', () => {
  it('stops one user hammering with 429s while other shoppers go on unhindered', async () => {
    const sale = await h.createSale({ stock: 1000 });
    const [flooder, ...others] = await h.createUsers(41);
    if (!flooder) throw new Error('no user');
    const shop = () =>
      Promise.all(
        others.map((u) =>
          timed(() =>
            h.request('POST', `/api/seckill/${sale.id}/path`, {
              token: u.token,
              body: { captcha: 'zzzz' },
            }),
          ),
        ),
      );
    const quiet = await shop();
    let flooding = true;
    const flood = (async () => {
      const codes = new Map<number, number>();
      let sent = 0;
      const t0 = performance.now();
      // At least 400 requests, and for as long as the others are being measured.
      while (flooding || sent < 400) {
        sent += 50;
        const batch = await Promise.all(
          Array.from({ length: 50 }, () =>
            h.request('POST', `/api/seckill/${sale.id}/path`, {
              token: flooder.token,
              body: { captcha: 'zzzz' },
            }),
          ),
        );
        for (const r of batch) codes.set(r.status, (codes.get(r.status) ?? 0) + 1);
      }
      return { codes, sent, ms: performance.now() - t0 };
    })();
    await new Promise((r) => setTimeout(r, 200));
    const during = await shop();
    flooding = false;
    const { codes, sent, ms } = await flood;

    // Judged by the flooder's windows of the limit (10 paths per 10 s, the first opened by its
    // first request): a slow machine spreads the same requests over more of them.
    const windows = Math.floor(ms / 10_000) + 1;
    expect((codes.get(403) ?? 0) + (codes.get(429) ?? 0)).toBe(sent);
    expect(codes.get(403) ?? 0).toBeLessThanOrEqual(10 * windows);
    expect(codes.get(429) ?? 0).toBeGreaterThanOrEqual(sent - 10 * windows);
    // The others are judged on their own: a wrong captcha, never a rate limit.
    expect(during.map(([r]) => r.body.code)).toEqual(others.map(() => 'BAD_CAPTCHA'));
    const q = quiet.map(([, ms]) => ms);
    const d = during.map(([, ms]) => ms);
    console.log(
      `[limits] flood: ${JSON.stringify(Object.fromEntries(codes))}; other shoppers p50/p99 ms quiet ${pct(q, 50).toFixed(1)}/${pct(q, 99).toFixed(1)}, during the flood ${pct(d, 50).toFixed(1)}/${pct(d, 99).toFixed(1)}`,
    );
  });

  it('limits logins per IP', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 70 }, () =>
        h.request('POST', '/api/auth/login', {
          body: { username: 'nobody', password: 'wrong-password' },
        }),
      ),
    );
    const limited = statuses.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(10);
    expect(limited[0]?.body.code).toBe('RATE_LIMITED');
    expect(limited[0]?.headers['retry-after']).toBe('1');
  });
});

describe('the global limit', () => {
  it('sheds overload with fast 429s instead of queueing', async () => {
    const small = await startHarness({
      consumer: false,
      env: { LIMIT_GLOBAL_INFLIGHT: '8', LIMIT_LOGIN_PER_IP: '0' },
    });
    try {
      // Logins are slow on purpose (scrypt): 400 at once is more than 8 in flight.
      const login = () =>
        small.request('POST', '/api/auth/login', {
          body: { username: 'nobody', password: 'wrong-password' },
        });
      const answers = await Promise.all(Array.from({ length: 400 }, () => timed(login)));
      const shed = answers.filter(([r]) => r.status === 429);
      const served = answers.filter(([r]) => r.status === 401);
      expect(shed.length).toBeGreaterThan(0);
      expect(served.length).toBeGreaterThan(0);
      expect(shed.length + served.length).toBe(400);
      // The shed ones did not wait for the slow ones.
      expect(
        pct(
          shed.map(([, t]) => t),
          50,
        ),
      ).toBeLessThan(
        pct(
          served.map(([, t]) => t),
          50,
        ),
      );
      expect(shed.every(([r]) => r.body.code === 'RATE_LIMITED')).toBe(true);
      const ms = (xs: typeof answers) => xs.map(([, t]) => t);
      console.log(
        `[limits] global in-flight 8, 400 logins at once: ${served.length} served (p99 ${pct(ms(served), 99).toFixed(1)} ms), ${shed.length} shed (p99 ${pct(ms(shed), 99).toFixed(1)} ms)`,
      );
    } finally {
      await small.close();
    }
  });
});
