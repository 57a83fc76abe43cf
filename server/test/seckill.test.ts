import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  // A sold-out flag outlasts any test here: those that count the work the flag saves do not race
  // its expiry (1 s by default).
  h = await startHarness({ env: { SOLD_OUT_FLAG_MS: '600000' } });
});
afterAll(() => h?.close());

async function captchaAnswer(goodsId: number, userId: number, token: string) {
  const r = await h.request('GET', `/api/seckill/${goodsId}/captcha`, { token });
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toContain('image/svg+xml');
  expect(r.text).toMatch(/^<svg/);
  const answer = await h.s.redis.hget(h.s.stock.keys(goodsId).captcha(userId), 'a');
  expect(answer).toMatch(/^[a-z0-9]{4}$/);
  return answer as string;
}

const askPath = (goodsId: number, token: string, captcha: string) =>
  h.request('POST', `/api/seckill/${goodsId}/path`, { token, body: { captcha } });

/** A path POST whose body comes chunked: the lean route leaves it to Koa's route. */
function chunkedPath(goodsId: number, token: string | undefined, body: string) {
  return new Promise<{ status: number; code: unknown; path: unknown }>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: h.port,
        method: 'POST',
        path: `/api/seckill/${goodsId}/path`,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const b = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          resolve({ status: res.statusCode ?? 0, code: b.code, path: b.path });
        });
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, 3));
    req.end(body.slice(3));
  });
}

describe("the path request, on the lean route and on Koa's", () => {
  it('answers alike, check for check', async () => {
    const sale = await h.createSale();
    const users = await h.createUsers(4);
    const [a, b, c, d] = users;
    if (!a || !b || !c || !d) throw new Error('no users');
    const lean = async (token: string | undefined, raw: string) => {
      const r = await h.request('POST', `/api/seckill/${sale.id}/path`, {
        raw,
        token,
        headers: { 'content-type': 'application/json' },
      });
      return { status: r.status, code: r.body.code, path: r.body.path };
    };
    const cases: Array<[string, string | undefined, string]> = [
      ['no token', undefined, '{"captcha":"abcd"}'],
      ['bad token', 'abc.def.ghi', '{"captcha":"abcd"}'],
      ['broken JSON', a.token, '{"captcha":'],
      ['unknown field', a.token, '{"captcha":"abcd","x":1}'],
      ['no captcha asked for', a.token, '{"captcha":"abcd"}'],
    ];
    for (const [name, token, raw] of cases) {
      const [x, y] = [await lean(token, raw), await chunkedPath(sale.id, token, raw)];
      expect(x, name).toEqual(y);
      expect(x.status, name).toBeGreaterThanOrEqual(400);
    }
    // The right answer opens a path on both routes (one shopper each).
    for (const [u, send] of [
      [b, (raw: string) => lean(b.token, raw)],
      [c, (raw: string) => chunkedPath(sale.id, c.token, raw)],
    ] as const) {
      const answer = await captchaAnswer(sale.id, u.id, u.token);
      const ok = await send(JSON.stringify({ captcha: answer }));
      expect(ok.status).toBe(200);
      expect(ok.path).toMatch(/^[A-Za-z0-9_-]{32}$/);
    }
    // Another content type is Koa's to refuse, whichever way it comes.
    const xml = await h.request('POST', `/api/seckill/${sale.id}/path`, {
      raw: '<captcha/>',
      token: d.token,
      headers: { 'content-type': 'application/xml' },
    });
    expect([xml.status, xml.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });
});

describe("the result poll, on the lean route and on Koa's", () => {
  it('answers alike, from no order to a written one', async () => {
    const sale = await h.createSale({ stock: 2 });
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const url = `/api/seckill/${sale.id}/result`;
    // With a declared (empty) body the lean route leaves the GET to Koa.
    const both = async (token: string | undefined, headers: Record<string, string> = {}) => {
      const lean = await h.request('GET', url, { token, headers });
      const koa = await h.request('GET', url, {
        token,
        headers: { ...headers, 'content-length': '0' },
      });
      // Each took its own way: only Koa's answer carries every one of helmet's headers.
      expect([
        lean.headers['x-dns-prefetch-control'],
        koa.headers['x-dns-prefetch-control'],
      ]).toEqual([undefined, 'off']);
      expect([lean.status, lean.body]).toEqual([koa.status, koa.body]);
      for (const name of ['content-type', 'cache-control', 'x-content-type-options'])
        expect(lean.headers[name], name).toBe(koa.headers[name]);
      return lean;
    };
    expect((await both(undefined)).body.code).toBe('UNAUTHORIZED');
    expect((await both(undefined, { authorization: 'Bearer abc.def.ghi' })).body.code).toBe(
      'TOKEN_INVALID',
    );
    expect((await both(u.token)).body).toEqual({ status: 'none' });
    expect((await h.order(sale.id, u.token)).status).toBe(202);
    const done = await h.waitFor(
      () => both(u.token),
      (r) => r.body.status === 'success',
    );
    expect(done.body.orderId).toMatch(/^[0-9]+$/);
    expect(done.headers['cache-control']).toBe('no-store');
  });
});

describe('captcha and hidden paths', () => {
  it('opens a one-time path with the right captcha, once', async () => {
    const sale = await h.createSale();
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const answer = await captchaAnswer(sale.id, u.id, u.token);
    const ok = await askPath(sale.id, u.token, answer.toUpperCase());
    expect(ok.status).toBe(200);
    expect(ok.body.path).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const again = await askPath(sale.id, u.token, answer);
    expect(again.status).toBe(403);
    expect(again.body.code).toBe('BAD_CAPTCHA');
  });

  it('voids a captcha after three wrong answers', async () => {
    const sale = await h.createSale();
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const answer = await captchaAnswer(sale.id, u.id, u.token);
    for (let i = 0; i < 3; i += 1)
      expect((await askPath(sale.id, u.token, 'zzzz')).body.code).toBe('BAD_CAPTCHA');
    expect((await askPath(sale.id, u.token, answer)).body.code).toBe('BAD_CAPTCHA');
  });

  it("does not open one sale or user with another's captcha", async () => {
    const a = await h.createSale();
    const b = await h.createSale();
    const [u, v] = await h.createUsers(2);
    if (!u || !v) throw new Error('no users');
    const answer = await captchaAnswer(a.id, u.id, u.token);
    expect((await askPath(b.id, u.token, answer)).body.code).toBe('BAD_CAPTCHA');
    expect((await askPath(a.id, v.token, answer)).body.code).toBe('BAD_CAPTCHA');
    expect((await askPath(a.id, u.token, answer)).status).toBe(200);
  });

  it('refuses a path before the start and after the end, without burning the captcha', async () => {
    const early = await h.createSale({ startAt: new Date(Date.now() + 600_000).toISOString() });
    const late = await h.createSale({
      startAt: new Date(Date.now() - 7200_000).toISOString(),
      endAt: new Date(Date.now() - 1000).toISOString(),
    });
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const answer = await captchaAnswer(early.id, u.id, u.token);
    const r = await askPath(early.id, u.token, answer);
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('NOT_STARTED');
    expect(await h.s.redis.hget(h.s.stock.keys(early.id).captcha(u.id), 'a')).toBe(answer);
    expect((await h.path(late.id, u.token)).body.code).toBe('ENDED');
    expect(await h.s.redis.get(h.s.stock.keys(early.id).stock)).toBe('10');
  });

  it('answers 404 for a sale that does not exist', async () => {
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    expect((await h.path(987654, u.token)).status).toBe(404);
  });
});

describe('ordering', () => {
  it('queues an order, uses the path up, and the result turns to success with the order in MySQL', async () => {
    const sale = await h.createSale({ stock: 5 });
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    expect(
      (await h.request('GET', `/api/seckill/${sale.id}/result`, { token: u.token })).body,
    ).toEqual({ status: 'none' });
    const p = await h.path(sale.id, u.token);
    const first = await h.request('POST', `/api/seckill/${sale.id}/${p.body.path}/order`, {
      token: u.token,
    });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ status: 'queued' });
    const reused = await h.request('POST', `/api/seckill/${sale.id}/${p.body.path}/order`, {
      token: u.token,
    });
    expect(reused.status).toBe(403);
    expect(reused.body.code).toBe('BAD_PATH');

    const result = await h.waitFor(
      () => h.request('GET', `/api/seckill/${sale.id}/result`, { token: u.token }),
      (r) => r.body.status === 'success',
    );
    expect(result.body.orderId).toMatch(/^\d+$/);
    const orders = await h.request('GET', '/api/orders', { token: u.token });
    expect(orders.body.items).toEqual([
      expect.objectContaining({
        id: result.body.orderId,
        goodsId: sale.id,
        price: 5000,
        goodsName: sale.name,
      }),
    ]);
    const [row] = await h.query('SELECT stock_left FROM goods WHERE id = ?', [sale.id]);
    expect(row.stock_left).toBe(4);
    expect(await h.s.redis.get(h.s.stock.keys(sale.id).stock)).toBe('4');

    const repeat = await h.path(sale.id, u.token);
    expect(repeat.status).toBe(409);
    expect(repeat.body.code).toBe('REPEAT');
  });

  it("refuses guessed paths, another user's and another sale's", async () => {
    const a = await h.createSale();
    const b = await h.createSale();
    const [u, v] = await h.createUsers(2);
    if (!u || !v) throw new Error('no users');
    const guessed = await h.request('POST', `/api/seckill/${a.id}/${'A'.repeat(32)}/order`, {
      token: u.token,
    });
    expect(guessed.body.code).toBe('BAD_PATH');
    const malformed = await h.request('POST', `/api/seckill/${a.id}/not-a-path/order`, {
      token: u.token,
    });
    expect(malformed.body.code).toBe('BAD_PATH');
    const pu = await h.path(a.id, u.token);
    const stolen = await h.request('POST', `/api/seckill/${a.id}/${pu.body.path}/order`, {
      token: v.token,
    });
    expect(stolen.status).toBe(403);
    expect(stolen.body.code).toBe('BAD_PATH');
    const pv = await h.path(a.id, v.token);
    const otherSale = await h.request('POST', `/api/seckill/${b.id}/${pv.body.path}/order`, {
      token: v.token,
    });
    expect(otherSale.body.code).toBe('BAD_PATH');
    expect(await h.s.redis.get(h.s.stock.keys(a.id).stock)).toBe('10');
    expect(await h.s.redis.get(h.s.stock.keys(b.id).stock)).toBe('10');
  });

  it('answers SOLD_OUT after the last unit, and then from the local flag', async () => {
    const sale = await h.createSale({ stock: 1 });
    const [u, v, w] = await h.createUsers(3);
    if (!u || !v || !w) throw new Error('no users');
    expect((await h.order(sale.id, u.token)).status).toBe(202);
    const pv = await h.path(sale.id, v.token);
    expect(pv.body.code).toBe('SOLD_OUT');
    // A path handed out before the sell-out still meets the Lua check, which says sold out.
    await h.s.redis.set(h.s.stock.keys(sale.id).path(w.id), 'B'.repeat(32), 'PX', 60_000);
    const late = await h.request('POST', `/api/seckill/${sale.id}/${'B'.repeat(32)}/order`, {
      token: w.token,
    });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('SOLD_OUT');
    expect(h.s.soldOut.isSoldOut(sale.id)).toBe(true);
    const flagged = await h.request('POST', `/api/seckill/${sale.id}/${'C'.repeat(32)}/order`, {
      token: w.token,
    });
    expect(flagged.body.code).toBe('SOLD_OUT');
    expect(flagged.headers['content-type']).toContain('application/json');
    // The early answer still wants a valid token.
    const forged = await h.request('POST', `/api/seckill/${sale.id}/${'C'.repeat(32)}/order`, {
      headers: { authorization: 'Bearer abc.def.ghi' },
    });
    expect(forged.status).toBe(401);
    expect(await h.s.redis.get(h.s.stock.keys(sale.id).stock)).toBe('0');
  });

  it('answers the paths of a sold-out sale from the local flag, without MySQL or Redis', async () => {
    const sale = await h.createSale({ stock: 1 });
    const [u, v, ...rest] = await h.createUsers(12);
    if (!u || !v) throw new Error('no users');
    expect((await h.order(sale.id, u.token)).status).toBe(202);
    // The first refusal comes from the script, and sets the flag.
    expect((await h.path(sale.id, v.token)).body.code).toBe('SOLD_OUT');
    expect(h.s.soldOut.isSoldOut(sale.id)).toBe(true);
    const users = h.s.users;
    const account = users.account.bind(users);
    let reads = 0;
    users.account = (id) => {
      reads += 1;
      return account(id);
    };
    const issuePath = h.s.stock.issuePath.bind(h.s.stock);
    let scripts = 0;
    h.s.stock.issuePath = (...a) => {
      scripts += 1;
      return issuePath(...a);
    };
    try {
      const answers = await Promise.all(rest.map((w) => h.path(sale.id, w.token)));
      expect(answers.map((a) => [a.status, a.body.code])).toEqual(
        rest.map(() => [409, 'SOLD_OUT']),
      );
      expect([reads, scripts]).toEqual([0, 0]);
      // The prebuilt answer is the one the usual path gives a shopper who sends a body.
      const [first] = rest;
      if (!first) throw new Error('no user');
      const prebuilt = await h.path(sale.id, first.token);
      const usual = await askPath(sale.id, first.token, 'abcd');
      expect([prebuilt.status, prebuilt.body]).toEqual([usual.status, usual.body]);
      for (const name of ['content-type', 'x-content-type-options', 'cache-control'])
        expect(prebuilt.headers[name], name).toBe(usual.headers[name]);
      // Still only for a valid token.
      const forged = await h.request('POST', `/api/seckill/${sale.id}/path`, {
        headers: { authorization: 'Bearer abc.def.ghi' },
      });
      expect(forged.status).toBe(401);
    } finally {
      users.account = account;
      h.s.stock.issuePath = issuePath;
    }
  });

  it('refuses an order for a sale whose keys Redis lost, with RETRY, and moves nothing', async () => {
    const sale = await h.createSale();
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    await h.s.redis.del(h.s.stock.keys(sale.id).stock);
    const r = await h.path(sale.id, u.token);
    expect(r.status).toBe(503);
    expect(r.body.code).toBe('RETRY');
    await h.s.redis.set(h.s.stock.keys(sale.id).path(u.id), 'D'.repeat(32), 'PX', 60_000);
    const o = await h.request('POST', `/api/seckill/${sale.id}/${'D'.repeat(32)}/order`, {
      token: u.token,
    });
    expect(o.status).toBe(503);
    expect(await h.s.redis.exists(h.s.stock.keys(sale.id).stock)).toBe(0);
  });

  it('limits paths per user', async () => {
    const sale = await h.createSale();
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const codes: string[] = [];
    for (let i = 0; i < 12; i += 1) codes.push((await askPath(sale.id, u.token, 'abcd')).body.code);
    expect(codes.slice(0, 10).every((c) => c === 'BAD_CAPTCHA')).toBe(true);
    expect(codes.slice(10)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
  });
});
