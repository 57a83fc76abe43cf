import { ERRORS } from '@seckill/contracts';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus } from './corpus.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
let user = { id: 0, token: '' };
let admin = { id: 0, token: '' };
let goodsId = 0;
beforeAll(async () => {
  h = await startHarness({
    env: {
      LIMIT_REGISTER_PER_IP: '0',
      LIMIT_LOGIN_PER_IP: '0',
      LIMIT_CAPTCHA_PER_IP: '0',
      LIMIT_PATH_PER_USER: '0',
      LIMIT_ORDER_PER_USER: '0',
    },
  });
  user = (await h.createUsers(1))[0] ?? user;
  admin = (await h.createUsers(1, 'admin', 'boss'))[0] ?? admin;
  goodsId = (await h.createSale({ stock: 5 })).id;
});
afterAll(() => h?.close());

/** What an attack must not change: rows in MySQL, the sale's keys in Redis, messages in the queue. */
async function footprint() {
  const [counts] = await h.query(
    'SELECT (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM goods) AS goods, (SELECT COUNT(*) FROM orders) AS orders, (SELECT SUM(stock_left) FROM goods) AS stockLeft',
  );
  const keys = (await h.s.redis.keys(`${h.prefix}sk:*`))
    .filter((k) => !k.includes(':captcha:'))
    .sort();
  const k = h.s.stock.keys(goodsId);
  const [stock, buyers, depth] = await Promise.all([
    h.s.redis.get(k.stock),
    h.s.redis.hlen(k.buyers),
    h.s.publisher.depth(),
  ]);
  return {
    counts: JSON.stringify(counts),
    keys,
    stock,
    buyers,
    ready: depth.ready,
    dead: depth.deadLetters,
  };
}

describe('a corpus of malformed requests', () => {
  it('answers every one with a 4xx JSON error and a known code, and changes nothing', async () => {
    const corpus = buildCorpus(goodsId);
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    const before = await footprint();
    const byStatus = new Map<number, number>();
    const wrong: string[] = [];
    for (const c of corpus) {
      const token = c.auth === 'admin' ? admin.token : c.auth === 'user' ? user.token : undefined;
      const headers: Record<string, string> = c.contentType
        ? { 'content-type': c.contentType }
        : {};
      const r = await h.request(c.method, c.path, { token, body: c.body, raw: c.raw, headers });
      byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
      const known =
        typeof r.body === 'object' &&
        r.body !== null &&
        Object.hasOwn(ERRORS, r.body.code) &&
        typeof r.body.message === 'string';
      if (r.status < 400 || r.status >= 500 || !known || /at .+\.ts:\d+/.test(r.text)) {
        wrong.push(`${c.name}: ${r.status} ${r.text.slice(0, 120)}`);
      }
    }
    console.log(
      `[corpus] ${corpus.length} requests by status: ${JSON.stringify(Object.fromEntries([...byStatus].sort()))}`,
    );
    expect(wrong).toEqual([]);
    expect(await footprint()).toEqual(before);
  });
});

describe('tokens', () => {
  const sign = (payload: object, secret = h.env.JWT_SECRET ?? '', opts: jwt.SignOptions = {}) =>
    jwt.sign(payload, secret, { expiresIn: 600, jwtid: 'test-token-id', ...opts });

  it('refuses none, garbage, a foreign secret, alg none, expired and tampered tokens', async () => {
    const good = sign({ name: 'x', role: 'user' }, undefined, { subject: String(user.id) });
    const [head, , sig] = good.split('.');
    const tampered = `${head}.${Buffer.from(JSON.stringify({ sub: String(user.id), name: 'x', role: 'admin', exp: 9e9 })).toString('base64url')}.${sig}`;
    const cases: Record<string, string | undefined> = {
      none: undefined,
      garbage: 'abc.def.ghi',
      foreign: sign({ name: 'x', role: 'admin' }, 'not-our-secret', { subject: String(admin.id) }),
      algNone: jwt.sign({ sub: String(admin.id), name: 'x', role: 'admin' }, '', {
        algorithm: 'none',
      }),
      expired: sign({ name: 'x', role: 'user' }, undefined, {
        subject: String(user.id),
        expiresIn: -1,
      }),
      tampered,
      hs512: sign({ name: 'x', role: 'user' }, undefined, {
        subject: String(user.id),
        algorithm: 'HS512',
      }),
      badSub: sign({ name: 'x', role: 'user' }, undefined, { subject: 'abc' }),
      // Without an id a token could not be logged out: it is refused.
      noId: jwt.sign({ name: 'x', role: 'user' }, h.env.JWT_SECRET ?? '', {
        subject: String(user.id),
        expiresIn: 600,
      }),
    };
    for (const [name, token] of Object.entries(cases)) {
      const headers = token ? { authorization: `Bearer ${token}` } : undefined;
      const me = await h.request('GET', '/api/me', { headers });
      expect(me.status, name).toBe(401);
      const adm = await h.request('GET', '/api/admin/stats', { headers });
      expect(adm.status, name).toBe(401);
    }
    expect((await h.request('GET', '/api/me', { token: good })).status).toBe(200);
  });

  it('refuses a deleted account at once, and a shopper on the admin API', async () => {
    // No money, so no ledger: an account with a ledger is never deleted.
    const [gone] = await h.createUsers(1, 'user', 'gone', 0);
    if (!gone) throw new Error('no user');
    expect((await h.request('GET', '/api/me', { token: gone.token })).status).toBe(200);
    await h.query('DELETE FROM users WHERE id = ?', [gone.id]);
    for (const [method, path] of [
      ['GET', '/api/me'],
      ['GET', `/api/seckill/${goodsId}/captcha`],
      ['POST', `/api/seckill/${goodsId}/path`],
      ['GET', '/api/orders'],
    ] as const) {
      const r = await h.request(method, path, {
        token: gone.token,
        body: method === 'POST' ? { captcha: 'abcd' } : undefined,
      });
      expect(r.status, path).toBe(401);
      expect(r.body.code).toBe('TOKEN_INVALID');
    }
    expect((await h.request('GET', '/api/admin/stats', { token: user.token })).status).toBe(403);
    // A demoted admin loses the admin API with the next request, whatever the token says.
    const [demoted] = await h.createUsers(1, 'admin', 'demoted');
    await h.query("UPDATE users SET role = 'user' WHERE id = ?", [demoted?.id]);
    expect((await h.request('GET', '/api/admin/stats', { token: demoted?.token })).status).toBe(
      403,
    );
  });
});

describe('paths', () => {
  it('refuses an expired path and moves no stock', async () => {
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const k = h.s.stock.keys(goodsId);
    const before = await h.s.redis.get(k.stock);
    await h.s.redis.set(k.path(u.id), 'E'.repeat(32), 'PX', 30);
    await new Promise((r) => setTimeout(r, 60));
    const r = await h.request('POST', `/api/seckill/${goodsId}/${'E'.repeat(32)}/order`, {
      token: u.token,
    });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('BAD_PATH');
    expect(await h.s.redis.get(k.stock)).toBe(before);
  });

  it('hands out paths that do not repeat or follow from the ids', async () => {
    const users = await h.createUsers(20);
    const paths = await Promise.all(
      users.map(async (u) => (await h.path(goodsId, u.token)).body.path as string),
    );
    expect(new Set(paths).size).toBe(20);
    for (const p of paths) expect(p).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const again = await h.path(goodsId, users[0]?.token ?? '');
    expect(again.body.path).not.toBe(paths[0]);
  });
});
