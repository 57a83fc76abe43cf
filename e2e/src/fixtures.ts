import { fileURLToPath } from 'node:url';
import {
  test as base,
  expect,
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type Page,
} from '@playwright/test';
import type { AuthResponse, Order, Sale, SaleUpdateBody } from '@seckill/contracts';
import { createRedis, saleKeys, type RedisClient } from '@seckill/stock';
import { BASE_URL, E2E } from './env.ts';

export { expect };
export type { AuthResponse, Order, Sale };

/** Where the web app keeps the session (web/src/stores/auth.ts). */
const AUTH_KEY = 'seckill.auth';
const SCREENSHOTS = fileURLToPath(new URL('../artifacts/screenshots/', import.meta.url));

export interface Guard {
  /** Answers the page may get on purpose in this test (e.g. 409 when sold out). */
  allow(status: number, urlPart: string): void;
  /** Watches another page too (one opened in a second browser context). */
  watch(page: Page): void;
}

let redis: RedisClient | null = null;
const redisClient = () => (redis ??= createRedis(E2E.redis));

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
      const watch = (p: Page) => {
        p.on('console', (msg) => {
          if (msg.type() !== 'error') return;
          const text = msg.text();
          // The browser logs every 4xx it was told to expect; those are judged by their response.
          if (/Failed to load resource: the server responded with a status of (\d+)/.test(text))
            return;
          problems.push(`console error: ${text}`);
        });
        p.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
        p.on('requestfailed', (req) => {
          const failure = req.failure()?.errorText ?? '';
          if (failure.includes('ERR_ABORTED')) return; // navigation away cancels polling: expected
          problems.push(`request failed: ${req.method()} ${req.url()} ${failure}`);
        });
        p.on('response', (res) => {
          if (res.status() >= 400 && !isAllowed(res.status(), res.url())) {
            problems.push(`unexpected ${res.status()}: ${res.request().method()} ${res.url()}`);
          }
        });
      };
      watch(page);
      await use({ allow: (status, urlPart) => allowed.push({ status, urlPart }), watch });
      expect(problems, 'console errors or failed requests').toEqual([]);
    },
    { auto: true },
  ],
});

export async function apiLogin(
  request: APIRequestContext,
  username: string,
  password: string,
): Promise<AuthResponse> {
  const r = await request.post('/api/auth/login', { data: { username, password } });
  expect(r.status()).toBe(200);
  return (await r.json()) as AuthResponse;
}

/** A new shopper, made through the API (the UI sign-up has its own spec). */
export async function apiRegister(request: APIRequestContext, stem: string): Promise<AuthResponse> {
  const username = uniqueName(stem);
  const r = await request.post('/api/auth/register', {
    data: { username, password: 'password123' },
  });
  expect(r.status(), `register ${username}`).toBe(201);
  return (await r.json()) as AuthResponse;
}

/** A user name no earlier run has taken: stem + time + a little randomness (≤ 32 characters). */
export function uniqueName(stem: string): string {
  const tail = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
  return `${stem.slice(0, 16)}_${tail}`;
}

let adminSession: AuthResponse | null = null;

/** The admin's session, logged in once per worker (logins are rate limited per IP). */
export async function adminAuth(request: APIRequestContext): Promise<AuthResponse> {
  adminSession ??= await apiLogin(request, 'admin', E2E.adminPassword);
  return adminSession;
}

export async function adminToken(request: APIRequestContext) {
  return (await adminAuth(request)).token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function createSale(
  request: APIRequestContext,
  over: Partial<{
    name: string;
    stock: number;
    startAt: string;
    endAt: string;
    description: string;
    imageUrl: string;
    price: number;
    seckillPrice: number;
    /** Omitted: the API's default, no room. */
    waitingRoom: boolean;
  }> = {},
): Promise<Sale> {
  const token = await adminToken(request);
  const now = Date.now();
  const r = await request.post('/api/admin/goods', {
    headers: bearer(token),
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
  return ((await r.json()) as { item: Sale }).item;
}

/**
 * Edits a sale as the admin does (all its details, these changed): e.g. moves its start to now
 * once the test is ready for it, so a sale never starts while a slow machine is still setting up.
 */
export async function editSale(
  request: APIRequestContext,
  sale: Sale,
  changes: Partial<SaleUpdateBody>,
): Promise<Sale> {
  const { name, description, imageUrl, price, seckillPrice, startAt, endAt, waitingRoom } = sale;
  const data: SaleUpdateBody = {
    name,
    description,
    imageUrl,
    price,
    seckillPrice,
    startAt,
    endAt,
    waitingRoom,
    ...changes,
  };
  const r = await request.put(`/api/admin/goods/${sale.id}`, {
    headers: bearer(await adminToken(request)),
    data,
  });
  expect(r.status(), await r.text()).toBe(200);
  return ((await r.json()) as { item: Sale }).item;
}

/** The shopper's orders as the API lists them. */
export async function apiOrders(request: APIRequestContext, token: string): Promise<Order[]> {
  const r = await request.get('/api/orders', { headers: bearer(token) });
  expect(r.status()).toBe(200);
  return ((await r.json()) as { items: Order[] }).items;
}

/**
 * Opens the app already logged in as `auth`: the session is put where the app keeps it before
 * the first page runs (once per tab, so logging out in the UI sticks).
 */
export async function signIn(page: Page, auth: AuthResponse): Promise<void> {
  await page.addInitScript(
    ([key, value]) => {
      if (sessionStorage.getItem('e2e.signed-in')) return;
      localStorage.setItem(key, value);
      sessionStorage.setItem('e2e.signed-in', '1');
    },
    [AUTH_KEY, JSON.stringify({ token: auth.token, user: auth.user })] as const,
  );
}

/** A second browser of its own (no shared storage), set up like the test's own. */
export function newContext(
  browser: Browser,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: BASE_URL,
    locale: 'en-US',
    timezoneId: E2E.timezone,
    ...options,
  });
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

/** The logged-in user's id, from the session the app stored (web/src/stores/auth.ts). */
export async function userIdOf(page: Page): Promise<number> {
  const raw = await page.evaluate((key) => localStorage.getItem(key), AUTH_KEY);
  if (!raw) throw new Error(`no session in localStorage (${AUTH_KEY})`);
  const saved = JSON.parse(raw) as { user?: { id?: unknown } };
  const id = saved.user?.id;
  if (typeof id !== 'number') throw new Error(`no user id in the stored session: ${raw}`);
  return id;
}

/**
 * A full-page screenshot kept as an artifact: e2e/artifacts/screenshots/<name>.png. Passing
 * toasts ("Sale created.") are left out of the picture; tests assert them where they matter.
 * `fullPage: false` keeps what a phone's screen shows, its docked bar at the bottom.
 */
export const shot = (page: Page, name: string, opts: { fullPage?: boolean } = {}) =>
  page.screenshot({
    path: `${SCREENSHOTS}${name}.png`,
    fullPage: opts.fullPage ?? true,
    animations: 'disabled',
    style: '.el-message { visibility: hidden !important; }',
  });
