import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import { saleKeys } from '@seckill/stock';
import { Redis } from 'ioredis';
import { E2E } from './env.ts';

export { expect };

interface Guard {
  /** Answers the page may get on purpose in this test (e.g. 409 when sold out). */
  allow(status: number, urlPart: string): void;
}

let redis: Redis | null = null;
const redisClient = () => (redis ??= new Redis(E2E.redisUrl));

/**
 * Every test fails on a console error or a failed request the page did not expect: a broken
 * page must not pass because the assertion looked elsewhere.
 */
export const test = base.extend<{ guard: Guard }>({
  guard: [
    async ({ page }, use) => {
      const allowed: Array<{ status: number; urlPart: string }> = [];
      const problems: string[] = [];
      const isAllowed = (status: number, url: string) =>
        allowed.some((a) => a.status === status && url.includes(a.urlPart));
      page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        const text = msg.text();
        // The browser logs every 4xx it was told to expect; those are judged by their response.
        if (/Failed to load resource: the server responded with a status of (\d+)/.test(text))
          return;
        problems.push(`console error: ${text}`);
      });
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('requestfailed', (req) => {
        const failure = req.failure()?.errorText ?? '';
        if (failure.includes('ERR_ABORTED')) return; // navigation away cancels polling: expected
        problems.push(`request failed: ${req.method()} ${req.url()} ${failure}`);
      });
      page.on('response', (res) => {
        if (res.status() >= 400 && !isAllowed(res.status(), res.url())) {
          problems.push(`unexpected ${res.status()}: ${res.request().method()} ${res.url()}`);
        }
      });
      await use({ allow: (status, urlPart) => allowed.push({ status, urlPart }) });
      expect(problems, 'console errors or failed requests').toEqual([]);
    },
    { auto: true },
  ],
});

export async function apiLogin(request: APIRequestContext, username: string, password: string) {
  const r = await request.post('/api/auth/login', { data: { username, password } });
  expect(r.status()).toBe(200);
  return (await r.json()) as { token: string; user: { id: number } };
}

export async function adminToken(request: APIRequestContext) {
  return (await apiLogin(request, 'admin', E2E.adminPassword)).token;
}

export async function createSale(
  request: APIRequestContext,
  over: Partial<{
    name: string;
    stock: number;
    startAt: string;
    endAt: string;
    description: string;
  }> = {},
) {
  const token = await adminToken(request);
  const now = Date.now();
  const r = await request.post('/api/admin/goods', {
    headers: { authorization: `Bearer ${token}` },
    data: {
      name: `E2E 限时秒杀 ${Math.random().toString(36).slice(2, 7)}`,
      description: 'A sale made by a browser test.',
      imageUrl: '/images/goods/earbuds.svg',
      price: 89900,
      seckillPrice: 29900,
      stock: 5,
      startAt: new Date(now - 60_000).toISOString(),
      endAt: new Date(now + 3600_000).toISOString(),
      ...over,
    },
  });
  expect(r.status()).toBe(201);
  return ((await r.json()) as { item: { id: number; name: string } }).item;
}

/** The answer of the captcha the page is showing, read where the server keeps it. */
export async function captchaAnswer(goodsId: number, userId: number): Promise<string> {
  const key = saleKeys(E2E.prefix, goodsId).captcha(userId);
  for (let i = 0; i < 50; i += 1) {
    const a = await redisClient().hget(key, 'a');
    if (a) return a;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no captcha in Redis');
}

export async function userIdOf(page: Page): Promise<number> {
  const token = await page.evaluate(() => {
    for (let i = 0; i < localStorage.length; i += 1) {
      const v = localStorage.getItem(localStorage.key(i) ?? '') ?? '';
      const m = /eyJ[\w-]+\.[\w-]+\.[\w-]+/.exec(v);
      if (m) return m[0];
    }
    return null;
  });
  if (!token) throw new Error('no token in localStorage');
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    sub: string;
  };
  return Number(payload.sub);
}

export const shot = (page: Page, name: string) =>
  page.screenshot({ path: `artifacts/screenshots/${name}.png`, fullPage: true });
