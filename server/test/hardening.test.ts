import { randomBytes, scryptSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createHttpServer } from '../src/app.ts';
import { createServices } from '../src/services.ts';
import { startHarness, type Harness } from './harness.ts';

const dist = mkdtempSync(join(tmpdir(), 'seckill-web-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(
  join(dist, 'index.html'),
  '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body></body></html>',
);
writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1);'.repeat(100));

/** Requests for static files one address may send in a window of STATIC_WINDOW_MS. */
const STATIC_LIMIT = 300;
const STATIC_WINDOW_MS = 10_000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { WEB_DIST: dist, LIMIT_STATIC_PER_IP: String(STATIC_LIMIT) } });
});
afterAll(async () => {
  await h?.close();
  rmSync(dist, { recursive: true, force: true });
});

/** A raw GET, to see the bytes and headers as a browser gets them. */
function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: h.port, path, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
            }),
          );
        })
        .on('error', reject);
    },
  );
}

describe('the browser side', () => {
  it('sends a strict CSP, refuses framing and sets a referrer policy', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    const csp = String(home.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(home.headers['x-frame-options']).toBe('DENY');
    expect(home.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(home.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves only the files of the build, whatever URLs arrive, and limits a flood of them', async () => {
    // A file that appears after start is not served: nothing is looked up (or kept) per URL.
    writeFileSync(join(dist, 'assets', 'late.js'), 'late');
    const late = await get('/assets/late.js', { accept: 'text/html' });
    expect(late.status).toBe(404);
    expect(late.body.toString()).not.toContain('late');
    // A missing chunk is a 404, not the page parsed as a script; a client route is the page.
    const missing = await get(`/assets/${randomBytes(8).toString('hex')}.js`, { accept: '*/*' });
    expect(missing.status).toBe(404);
    expect(missing.body.toString()).not.toContain('<!doctype html>');
    const dotted = await get(`/x/${randomBytes(4).toString('hex')}.map`, { accept: '*/*' });
    expect(dotted.status).toBe(404);
    const route = await get(`/goods/${randomBytes(2).readUInt16BE()}`, { accept: 'text/html' });
    expect(route.status).toBe(200);
    expect(route.body.toString()).toContain('<!doctype html>');
    // The clock held a window past the requests above: the flood has a window of its own and stays
    // in it however long it takes.
    const held = Date.now() + STATIC_WINDOW_MS;
    vi.useFakeTimers({ toFake: ['Date'], now: held });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const OVER = 100;
    const byStatus: Record<number, number> = {};
    for (let i = 0; i < (STATIC_LIMIT + OVER) / 10; i += 1) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, (_, j) => get(`/x${i}-${j}-${randomBytes(4).toString('hex')}`)),
      );
      for (const r of batch) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    }
    expect(byStatus).toEqual({ 200: STATIC_LIMIT, 429: OVER });
    // The next window serves again (and leaves one request counted, not a full window).
    vi.setSystemTime(held + STATIC_WINDOW_MS);
    expect((await get(`/x-next-${randomBytes(4).toString('hex')}`)).status).toBe(200);
  });
});

describe('private answers', () => {
  it('are never stored by a browser or a proxy: both doors (Koa and the sale edge), answers and errors', async () => {
    const [u] = await h.createUsers(1);
    const [admin] = await h.createUsers(1, 'admin', 'cc');
    if (!u || !admin) throw new Error('no users');
    const sale = await h.createSale({ stock: 5 });
    const answers: Array<[string, Awaited<ReturnType<typeof h.request>>]> = [];
    const ask = async (
      label: string,
      method: string,
      path: string,
      o: Parameters<typeof h.request>[2] = {},
    ) => {
      const r = await h.request(method, path, o);
      answers.push([`${label} ${r.status}`, r]);
      return r;
    };
    const username = `cc${randomBytes(4).toString('hex')}`;
    const credentials = { username, password: 'password123' };
    await ask('register', 'POST', '/api/auth/register', { body: credentials });
    const login = await ask('login', 'POST', '/api/auth/login', { body: credentials });
    await ask('bad login', 'POST', '/api/auth/login', { body: { ...credentials, password: 'x' } });
    await ask('me', 'GET', '/api/me', { token: login.body.token });
    await ask('me without token', 'GET', '/api/me');
    await ask('wallet', 'GET', '/api/wallet', { token: u.token });
    await ask('captcha', 'GET', `/api/seckill/${sale.id}/captcha`, { token: u.token });
    const path = await h.path(sale.id, u.token);
    answers.push([`sale path ${path.status}`, path]);
    await ask('sale order', 'POST', `/api/seckill/${sale.id}/${path.body.path}/order`, {
      token: u.token,
    });
    await ask('sale bad path', 'POST', `/api/seckill/${sale.id}/${'x'.repeat(32)}/order`, {
      token: u.token,
    });
    const result = await h.waitFor(
      () => ask('sale result', 'GET', `/api/seckill/${sale.id}/result`, { token: u.token }),
      (r) => r.body.status === 'success',
    );
    const orderId = String(result.body.orderId);
    await ask('orders', 'GET', '/api/orders', { token: u.token });
    await ask('order', 'GET', `/api/orders/${orderId}`, { token: u.token });
    await ask('pay', 'POST', `/api/orders/${orderId}/pay`, { token: u.token });
    await ask('cancel a paid order', 'POST', `/api/orders/${orderId}/cancel`, { token: u.token });
    await ask('events ticket', 'POST', '/api/events/ticket', { token: u.token });
    await ask('admin stats', 'GET', '/api/admin/stats', { token: admin.token });
    await ask('admin as a shopper', 'GET', '/api/admin/stats', { token: u.token });
    await ask('unknown route', 'GET', '/api/nope');
    await ask('logout', 'POST', '/api/auth/logout', { token: login.body.token });

    const labels = answers.map(([label]) => label);
    for (const expected of ['sale path 200', 'sale order 202', 'sale bad path 403', 'pay 200'])
      expect(labels).toContain(expected);
    for (const [label, r] of answers) expect(r.headers['cache-control'], label).toBe('no-store');
    // The public catalogue keeps its validator: revalidated, not kept from caches.
    expect((await h.request('GET', '/api/goods')).headers['cache-control']).toBe('no-cache');
  });
});

describe('logging out', () => {
  it('ends the token at once on every instance, also one started later', async () => {
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const other = await createServices(h.config, pino({ level: 'silent' }));
    const server = createHttpServer(other).listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    const port = (server.address() as AddressInfo).port;
    const meOn = (p: number) =>
      new Promise<number>((resolve) =>
        http
          .get(
            {
              host: '127.0.0.1',
              port: p,
              path: '/api/me',
              headers: { authorization: `Bearer ${u.token}` },
            },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          )
          .end(),
      );
    try {
      expect(await meOn(port)).toBe(200);
      expect((await h.request('GET', '/api/me', { token: u.token })).status).toBe(200);
      const out = await h.request('POST', '/api/auth/logout', { token: u.token });
      expect(out.status).toBe(204);
      expect((await h.request('GET', '/api/me', { token: u.token })).status).toBe(401);
      await h.waitFor(
        () => meOn(port),
        (s) => s === 401,
        3000,
      );
      expect(await meOn(port)).toBe(401);
      const later = await createServices(h.config, pino({ level: 'silent' }));
      expect(() => later.tokens.verify(u.token)).toThrow();
      await later.close();
    } finally {
      other.push.close();
      await new Promise<void>((r) => server.close(() => r()));
      await other.close();
    }
    expect((await h.request('POST', '/api/auth/logout')).status).toBe(401);
  });

  it("ends the token's event streams on every instance, and only those", async () => {
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const other = await createServices(h.config, pino({ level: 'silent' }));
    const server = createHttpServer(other).listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    const port = (server.address() as AddressInfo).port;
    // The same shopper logged in twice: the second login's stream outlives the first's logout.
    const second = h.s.tokens.sign({ id: u.id, username: u.username, role: 'user' });
    try {
      const here = await h.openEvents(u.token);
      const there = await h.openEvents(u.token, [], port);
      const kept = await h.openEvents(second);
      for (const s of [here, there, kept])
        expect(await s.until((e) => e.type === 'hello')).toBeTruthy();
      const ended = Promise.all([once(here.res, 'end'), once(there.res, 'end')]);
      expect((await h.request('POST', '/api/auth/logout', { token: u.token })).status).toBe(204);
      await ended;
      await h.s.pushUserEvents([
        { userId: u.id, event: { type: 'stock', goodsId: 1, stockLeft: 7 } },
      ]);
      expect(await kept.until((e) => e.type === 'stock')).toMatchObject({ stockLeft: 7 });
      expect(kept.res.readableEnded).toBe(false);
      kept.close();
    } finally {
      other.push.close();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await other.close();
    }
  });

  it('ends a stream opened with a ticket of a token logged out before it opened', async () => {
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const ticket = await h.request('POST', '/api/events/ticket', { token: u.token });
    expect(ticket.status).toBe(200);
    expect((await h.request('POST', '/api/auth/logout', { token: u.token })).status).toBe(204);
    const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http
        .get({ host: '127.0.0.1', port: h.port, path: `/api/events?ticket=${ticket.body.ticket}` })
        .once('response', resolve)
        .once('error', reject),
    );
    res.resume();
    await once(res, 'end');
  });

  it("ends a stream when its account is deleted or its token expires, at the hub's sweep", async () => {
    const [gone, kept] = await h.createUsers(2, 'user', 'swept', 0);
    if (!gone || !kept) throw new Error('no users');
    const goneStream = await h.openEvents(gone.token);
    const keptStream = await h.openEvents(kept.token);
    await keptStream.until((e) => e.type === 'hello');
    await h.query('DELETE FROM users WHERE id = ?', [gone.id]);
    const ended = once(goneStream.res, 'end');
    await h.s.push.sweep();
    await ended;
    expect(keptStream.res.readableEnded).toBe(false);
    // A year on, past any token's lifetime: the token has expired, and so does its stream.
    const expired = once(keptStream.res, 'end');
    await h.s.push.sweep(Date.now() + 365 * 24 * 3600_000);
    await expired;
  });
});

describe('passwords', () => {
  it('upgrades a hash below the current parameters at the next login', async () => {
    const name = `old${h.id}`;
    const salt = randomBytes(16);
    const key = scryptSync('password123', salt, 32, {
      N: 1 << 15,
      r: 8,
      p: 1,
      maxmem: 64 * 1024 * 1024,
    });
    const old = `scrypt$32768$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
    await h.query("INSERT INTO users (username, password_hash, role) VALUES (?, ?, 'user')", [
      name,
      old,
    ]);
    const ok = await h.request('POST', '/api/auth/login', {
      body: { username: name, password: 'password123' },
    });
    expect(ok.status).toBe(200);
    const [row] = await h.query('SELECT password_hash FROM users WHERE username = ?', [name]);
    expect(String(row.password_hash)).toMatch(/^scrypt\$131072\$8\$1\$/);
    const again = await h.request('POST', '/api/auth/login', {
      body: { username: name, password: 'password123' },
    });
    expect(again.status).toBe(200);
  });
});

describe('the catalogue', () => {
  it('compresses the list, validates it with an ETag and answers 304 when unchanged', async () => {
    for (let i = 0; i < 8; i += 1)
      await h.createSale({ description: 'A long description. '.repeat(10) });
    const first = await get('/api/goods', { 'accept-encoding': 'gzip' });
    expect(first.status).toBe(200);
    expect(first.headers['content-encoding']).toBe('gzip');
    const body = JSON.parse(gunzipSync(first.body).toString());
    expect(body.items.length).toBeGreaterThanOrEqual(8);
    const tag = String(first.headers.etag);
    expect(tag).toMatch(/^W\/"/);
    const again = await get('/api/goods', { 'if-none-match': tag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(Date.parse(String(again.headers['x-server-time']))).toBeGreaterThan(0);
  });

  it('answers unknown sale ids without MySQL, and refreshes the catalogue once for many', async () => {
    const sale = await h.createSale();
    const calls = { list: 0, get: 0 };
    const goods = h.s.goods;
    const { list, get: getOne } = goods;
    goods.list = (...a) => {
      calls.list += 1;
      return list.apply(goods, a);
    };
    goods.get = (...a) => {
      calls.get += 1;
      return getOne.apply(goods, a);
    };
    // The clock held: the catalogue's one-second cache cannot run out while the 200 are answered.
    vi.useFakeTimers({ toFake: ['Date'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    try {
      h.s.catalog.invalidate();
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          h.request('GET', `/api/goods/${1_000_000 + i * 7919}`),
        ),
      );
      expect(answers.every((a) => a.status === 404)).toBe(true);
      expect(calls.get).toBe(0);
      expect(calls.list).toBe(1);
      expect((await h.request('GET', `/api/goods/${sale.id}`)).status).toBe(200);
    } finally {
      goods.list = list;
      goods.get = getOne;
    }
  });
});

describe('readiness', () => {
  it('turns 503 as soon as the instance starts draining', async () => {
    expect((await h.request('GET', '/readyz')).status).toBe(200);
    h.s.draining = true;
    try {
      const r = await h.request('GET', '/readyz');
      expect(r.status).toBe(503);
      expect(r.body.draining).toBe(true);
    } finally {
      h.s.draining = false;
    }
  });
});
