import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
let adminToken = '';
let userToken = '';
beforeAll(async () => {
  h = await startHarness();
  const [a] = await h.createUsers(1, 'admin', 'boss');
  const [u] = await h.createUsers(1);
  adminToken = a?.token ?? '';
  userToken = u?.token ?? '';
});
afterAll(() => h?.close());

const saleBody = (over: Record<string, unknown> = {}) => ({
  name: '<b>Admin</b> sale',
  description: 'Made through the admin API.',
  imageUrl: '/images/goods/phone.svg',
  price: 19900,
  seckillPrice: 9900,
  stock: 5,
  startAt: new Date(Date.now() - 60_000).toISOString(),
  endAt: new Date(Date.now() + 3600_000).toISOString(),
  ...over,
});

describe('admin', () => {
  it('is refused to shoppers and to nobody', async () => {
    for (const [method, path] of [
      ['GET', '/api/admin/goods'],
      ['POST', '/api/admin/goods'],
      ['PUT', '/api/admin/goods/1'],
      ['POST', '/api/admin/goods/1/reset'],
      ['GET', '/api/admin/stats'],
    ] as const) {
      const asUser = await h.request(method, path, { token: userToken, body: saleBody() });
      expect(asUser.status, path).toBe(403);
      expect(asUser.body.code).toBe('FORBIDDEN');
      expect((await h.request(method, path)).status, path).toBe(401);
    }
    const [{ n }] = await h.query('SELECT CAST(COUNT(*) AS SIGNED) AS n FROM goods');
    expect(Number(n)).toBe(0);
  });

  it('creates, edits and validates sales; the shop sees them at once', async () => {
    const created = await h.request('POST', '/api/admin/goods', {
      token: adminToken,
      body: saleBody(),
    });
    expect(created.status).toBe(201);
    expect(created.body.item).toMatchObject({
      name: '<b>Admin</b> sale',
      stock: 5,
      stockLeft: 5,
      status: 'active',
    });
    const id = created.body.item.id as number;
    expect(await h.s.redis.get(h.s.stock.keys(id).stock)).toBe('5');

    const edited = await h.request('PUT', `/api/admin/goods/${id}`, {
      token: adminToken,
      body: { ...saleBody({ name: 'Renamed', seckillPrice: 8800 }), stock: undefined },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.item).toMatchObject({ name: 'Renamed', seckillPrice: 8800, stock: 5 });
    const shop = await h.request('GET', `/api/goods/${id}`);
    expect(shop.body.item.name).toBe('Renamed');
    expect(await h.s.redis.hget(h.s.stock.keys(id).meta, 'price')).toBe('8800');

    const bad = await h.request('POST', '/api/admin/goods', {
      token: adminToken,
      body: saleBody({ seckillPrice: 50000, endAt: new Date(Date.now() - 7200_000).toISOString() }),
    });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.fields).sort()).toEqual(['endAt', 'seckillPrice']);
    const script = await h.request('POST', '/api/admin/goods', {
      token: adminToken,
      body: saleBody({ imageUrl: 'javascript:alert(1)' }),
    });
    expect(script.status).toBe(422);
    expect(
      (
        await h.request('PUT', '/api/admin/goods/99999', {
          token: adminToken,
          body: { ...saleBody(), stock: undefined },
        })
      ).status,
    ).toBe(404);
    const stockInEdit = await h.request('PUT', `/api/admin/goods/${id}`, {
      token: adminToken,
      body: saleBody(),
    });
    expect(stockInEdit.status).toBe(422);
  });

  it('refuses sale times outside 2000–2100 and names with control or bidi characters', async () => {
    const refused = async (body: Record<string, unknown>, field: string, method = 'POST') => {
      const r = await h.request(method, '/api/admin/goods', { token: adminToken, body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.code).toBe('VALIDATION');
      expect(Object.keys(r.body.fields)).toEqual([field]);
      return String(r.body.fields[field]);
    };
    const tooEarly = await refused(saleBody({ startAt: '0001-01-01T00:00:00.000Z' }), 'startAt');
    expect(tooEarly).toContain('2000-01-01');
    expect(tooEarly).toContain('2100-01-01');
    await refused(saleBody({ endAt: '9999-12-31T23:59:59.000Z' }), 'endAt');
    await refused(saleBody({ name: 'Phone\u0000' }), 'name');
    // U+202E (right-to-left override) would show "Phone 3gpj.exe" as "Phone exe.jpg3".
    await refused(saleBody({ name: 'Phone \u202e3gpj.exe' }), 'name');
    await refused(saleBody({ name: 'Phone\u0085' }), 'name');
    await refused(saleBody({ description: 'Fast \u2066charger\u2069' }), 'description');
    await refused(saleBody({ description: 'Bell\u0007' }), 'description');

    const lines = await h.request('POST', '/api/admin/goods', {
      token: adminToken,
      body: saleBody({ name: 'Phone ②', description: 'Line one\n\tLine two' }),
    });
    expect(lines.status).toBe(201);
    const id = lines.body.item.id as number;
    expect(lines.body.item.description).toBe('Line one\n\tLine two');
    const edit = (over: Record<string, unknown>) =>
      h.request('PUT', `/api/admin/goods/${id}`, {
        token: adminToken,
        body: { ...saleBody(over), stock: undefined },
      });
    expect((await edit({ startAt: '1999-12-31T23:59:59.999Z' })).status).toBe(422);
    expect((await edit({ name: 'Renamed\u200f' })).status).toBe(422);
    expect((await edit({ endAt: '2100-01-01T00:00:00.000Z' })).status).toBe(200);
  });

  it('resets stock in MySQL and Redis together and removes the round’s orders', async () => {
    const created = await h.request('POST', '/api/admin/goods', {
      token: adminToken,
      body: saleBody({ stock: 2 }),
    });
    const id = created.body.item.id as number;
    const users = await h.createUsers(3);
    for (const u of users) await h.order(id, u.token);
    await h.waitFor(
      () => h.query('SELECT COUNT(*) AS n FROM orders WHERE goods_id = ?', [id]),
      (r) => Number(r[0].n) === 2,
    );
    const before = await h.request('GET', '/api/admin/stats', { token: adminToken });
    expect(before.body.items.find((s: { id: number }) => s.id === id)).toMatchObject({
      stock: 2,
      stockLeftDb: 0,
      stockLeftRedis: 0,
      orders: 2,
      status: 'sold_out',
    });
    expect(before.body.queue).toMatchObject({
      ready: expect.any(Number),
      deadLetters: 0,
      consumers: 1,
    });

    const reset = await h.request('POST', `/api/admin/goods/${id}/reset`, {
      token: adminToken,
      body: { stock: 7 },
    });
    expect(reset.status).toBe(200);
    expect(reset.body.item).toMatchObject({ stock: 7, stockLeft: 7, status: 'active' });
    const after = await h.request('GET', '/api/admin/stats', { token: adminToken });
    expect(after.body.items.find((s: { id: number }) => s.id === id)).toMatchObject({
      stock: 7,
      stockLeftDb: 7,
      stockLeftRedis: 7,
      orders: 0,
    });
    expect(await h.s.redis.hlen(h.s.stock.keys(id).buyers)).toBe(0);
    // The buyers of the old round can buy again.
    expect((await h.order(id, users[0]?.token ?? '')).status).toBe(202);
    expect(
      (
        await h.request('POST', `/api/admin/goods/${id}/reset`, {
          token: adminToken,
          body: { stock: -1 },
        })
      ).status,
    ).toBe(422);
  });
});
