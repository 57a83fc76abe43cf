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

/** A POST whose JSON body comes chunked (no length declared). */
function chunked(path: string, token: string | undefined, body: string) {
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: h.port,
        method: 'POST',
        path,
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
          resolve({ status: res.statusCode ?? 0, body: b });
        });
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, 3));
    req.end(body.slice(3));
  });
}

describe("the sale's one door", () => {
  it('reads every body a client may send the path route, and refuses the rest by code', async () => {
    const sale = await h.createSale();
    const users = await h.createUsers(3);
    const [a, b, c] = users;
    if (!a || !b || !c) throw new Error('no users');
    const url = `/api/seckill/${sale.id}/path`;
    const raw = (token: string | undefined, body: string, type = 'application/json') =>
      h.request('POST', url, { raw: body, token, headers: { 'content-type': type } });
    const cases: Array<[string, Promise<{ status: number; body: any }>, number, string]> = [
      ['no token', raw(undefined, '{"captcha":"abcd"}'), 401, 'UNAUTHORIZED'],
      ['bad token', raw('abc.def.ghi', '{"captcha":"abcd"}'), 401, 'TOKEN_INVALID'],
      ['broken JSON', raw(a.token, '{"captcha":'), 422, 'INVALID_JSON'],
      ['broken JSON, chunked', chunked(url, a.token, '{"captcha":'), 422, 'INVALID_JSON'],
      ['unknown field', raw(a.token, '{"captcha":"abcd","x":1}'), 422, 'VALIDATION'],
      ['no body', h.request('POST', url, { token: a.token }), 422, 'VALIDATION'],
      [
        'another type',
        raw(a.token, '<captcha/>', 'application/xml'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      ['too large', raw(a.token, `{"captcha":"${'x'.repeat(20_000)}"}`), 413, 'PAYLOAD_TOO_LARGE'],
      ['no captcha asked for', raw(a.token, '{"captcha":"abcd"}'), 403, 'BAD_CAPTCHA'],
    ];
    for (const [name, answer, status, code] of cases) {
      const r = await answer;
      expect([r.status, r.body.code], name).toEqual([status, code]);
    }
    // The right answer opens a path, whichever way the body comes.
    const viaLength = await raw(
      b.token,
      JSON.stringify({ captcha: await captchaAnswer(sale.id, b.id, b.token) }),
    );
    const viaChunks = await chunked(
      url,
      c.token,
      JSON.stringify({ captcha: await captchaAnswer(sale.id, c.id, c.token) }),
    );
    for (const ok of [viaLength, viaChunks]) {
      expect(ok.status).toBe(200);
      expect(ok.body.path).toMatch(/^[A-Za-z0-9_-]{32}$/);
    }
  });

  it("takes the order as the shop's browser sends it ({} as JSON), with or without a body", async () => {
    const sale = await h.createSale({ stock: 5 });
    const [a, b] = await h.createUsers(2);
    if (!a || !b) throw new Error('no users');
    const order = async (token: string, opts: { body?: unknown; raw?: string }) => {
      const p = await h.path(sale.id, token);
      return h.request('POST', `/api/seckill/${sale.id}/${p.body.path}/order`, { token, ...opts });
    };
    const browser = await order(a.token, { body: {} });
    expect([browser.status, browser.body]).toEqual([202, { status: 'queued' }]);
    const bodyless = await order(b.token, {});
    expect([bodyless.status, bodyless.body]).toEqual([202, { status: 'queued' }]);
  });

  it('answers with the headers of every API answer, 405 for another method, 404 elsewhere', async () => {
    const sale = await h.createSale();
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const result = await h.request('GET', `/api/seckill/${sale.id}/result`, { token: u.token });
    const me = await h.request('GET', '/api/me', { token: u.token });
    expect(result.body).toEqual({ status: 'none' });
    for (const name of [
      'content-security-policy',
      'x-content-type-options',
      'x-frame-options',
      'referrer-policy',
      'strict-transport-security',
      'cache-control',
      'content-type',
    ])
      expect(result.headers[name], name).toBe(me.headers[name]);
    expect(result.headers['cache-control']).toBe('no-store');
    // A GET that declares an empty body is the same poll.
    const declared = await h.request('GET', `/api/seckill/${sale.id}/result`, {
      token: u.token,
      headers: { 'content-length': '0' },
    });
    expect(declared.body).toEqual({ status: 'none' });
    const wrong = await h.request('GET', `/api/seckill/${sale.id}/path`, { token: u.token });
    expect([wrong.status, wrong.body.code, wrong.headers.allow]).toEqual([
      405,
      'METHOD_NOT_ALLOWED',
      'POST',
    ]);
    const unknown = await h.request('GET', `/api/seckill/${sale.id}/nothing`, { token: u.token });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'NOT_FOUND']);
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
