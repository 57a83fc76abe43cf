import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
let adminToken = '';
let userToken = '';
beforeAll(async () => {
  h = await startHarness();
  const [a] = await h.createUsers(1, 'admin', 'shopkeeper');
  const [u] = await h.createUsers(1);
  adminToken = a?.token ?? '';
  userToken = u?.token ?? '';
});
afterAll(() => h?.close());

const hour = 3600_000;
const sale = (name: string, startIn: number, endIn: number, stock = 5) => ({
  name,
  description: 'A sale of the shop test.',
  imageUrl: '',
  price: 20000,
  seckillPrice: 10000,
  stock,
  startAt: new Date(Date.now() + startIn).toISOString(),
  endAt: new Date(Date.now() + endIn).toISOString(),
});
async function create(body: ReturnType<typeof sale>): Promise<number> {
  const r = await h.request('POST', '/api/admin/goods', { token: adminToken, body });
  expect(r.status).toBe(201);
  return r.body.item.id as number;
}

describe('the storefront', () => {
  let ids: { active: number[]; upcoming: number; ended: number; soldOut: number };
  beforeAll(async () => {
    const active: number[] = [];
    for (let i = 0; i < 3; i++) active.push(await create(sale(`Phone ${i}`, -hour, hour)));
    ids = {
      active,
      upcoming: await create(sale('Watch soon', hour, 2 * hour)),
      ended: await create(sale('Old laptop', -2 * hour, -hour)),
      soldOut: await create(sale('Gone phone', -hour, hour, 0)),
    };
  });

  it('pages and answers with the totals', async () => {
    const all = await h.request('GET', '/api/goods?pageSize=2');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 6, page: 1, pageSize: 2 });
    expect(all.body.items).toHaveLength(2);
    expect(typeof all.body.serverTime).toBe('string');
    const last = await h.request('GET', '/api/goods?pageSize=4&page=2');
    expect(last.body.items).toHaveLength(2);
    const beyond = await h.request('GET', '/api/goods?page=9');
    expect(beyond.body).toMatchObject({ items: [], total: 6, page: 9, pageSize: 20 });
  });

  it('lists on sale first, then upcoming, sold out and ended, the same on every page', async () => {
    const order = [...ids.active, ids.upcoming, ids.soldOut, ids.ended];
    const all = await h.request('GET', '/api/goods?pageSize=100');
    expect(all.body.items.map((s: { id: number }) => s.id)).toEqual(order);
    const paged: number[] = [];
    for (let page = 1; page <= 3; page++) {
      const r = await h.request('GET', `/api/goods?pageSize=2&page=${page}`);
      paged.push(...r.body.items.map((s: { id: number }) => s.id));
    }
    expect(paged).toEqual(order);
  });

  it('filters by status, repeated or comma-separated, and by name', async () => {
    const on = await h.request('GET', '/api/goods?status=active');
    expect(on.body.items.map((s: { id: number }) => s.id).sort()).toEqual(
      [...ids.active, ids.soldOut].sort(),
    );
    const two = await h.request('GET', '/api/goods?status=upcoming&status=ended');
    const twoComma = await h.request('GET', '/api/goods?status=upcoming,ended');
    expect(two.body.total).toBe(2);
    expect(twoComma.body.items).toEqual(two.body.items);
    const named = await h.request('GET', '/api/goods?q=PHONE&status=active&pageSize=100');
    expect(named.body.total).toBe(4);
    const none = await h.request('GET', '/api/goods?q=fridge');
    expect(none.body).toMatchObject({ items: [], total: 0 });
  });

  it('refuses a page too large and unknown filters with 422 VALIDATION', async () => {
    for (const q of ['pageSize=101', 'pageSize=0', 'page=0', 'status=open', 'sort=name']) {
      const r = await h.request('GET', `/api/goods?${q}`);
      expect(r.status, q).toBe(422);
      expect(r.body.code, q).toBe('VALIDATION');
    }
  });

  it('answers 304 to an unchanged page and a fresh body to another page', async () => {
    const first = await h.request('GET', '/api/goods?pageSize=3');
    const tag = first.headers.etag as string;
    const again = await h.request('GET', '/api/goods?pageSize=3', {
      headers: { 'if-none-match': tag },
    });
    expect(again.status).toBe(304);
    const other = await h.request('GET', '/api/goods?pageSize=3&page=2', {
      headers: { 'if-none-match': tag },
    });
    expect(other.status).toBe(200);
  });
});

describe('archiving', () => {
  it('takes a sale off the storefront, keeps its orders, and restores it', async () => {
    const id = await create(sale('Archived rice cooker', -hour, hour));
    const [buyer] = await h.createUsers(1);
    if (!buyer) throw new Error('no buyer');
    expect((await h.order(id, buyer.token)).status).toBe(202);
    await h.waitFor(
      () => h.query('SELECT id FROM orders WHERE goods_id = ?', [id]),
      (rows) => rows.length === 1,
    );

    const refused = await h.request('DELETE', `/api/admin/goods/${id}`, { token: adminToken });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CONFIRM_REQUIRED');
    const asShopper = await h.request('DELETE', `/api/admin/goods/${id}?confirm=1`, {
      token: userToken,
    });
    expect(asShopper.status).toBe(403);

    const archived = await h.request('DELETE', `/api/admin/goods/${id}?confirm=1`, {
      token: adminToken,
    });
    expect(archived.status).toBe(204);
    const detail = await h.request('GET', `/api/goods/${id}`);
    expect(detail.status).toBe(404);
    const list = await h.request('GET', '/api/goods?pageSize=100');
    expect(list.body.items.some((s: { id: number }) => s.id === id)).toBe(false);
    const [other] = await h.createUsers(1);
    if (!other) throw new Error('no shopper');
    const path = await h.path(id, other.token);
    expect(path.status).toBe(404);
    expect(path.body.code).toBe('NOT_FOUND');
    const order = await h.request('POST', `/api/seckill/${id}/${'A'.repeat(32)}/order`, {
      token: other.token,
    });
    expect(order.status).toBe(404);
    expect(
      (await h.query('SELECT status FROM orders WHERE goods_id = ?', [id])).map((r) => r.status),
    ).toEqual(['pending_payment']);

    const shelf = await h.request('GET', '/api/admin/goods?archived=1', { token: adminToken });
    expect(shelf.body.items.map((s: { id: number }) => s.id)).toEqual([id]);
    expect(typeof shelf.body.items[0].archivedAt).toBe('string');
    const active = await h.request('GET', '/api/admin/goods', { token: adminToken });
    expect(active.body.items.some((s: { id: number }) => s.id === id)).toBe(false);

    const restored = await h.request('POST', `/api/admin/goods/${id}/restore`, {
      token: adminToken,
    });
    expect(restored.status).toBe(200);
    expect(restored.body.item.archivedAt).toBeUndefined();
    expect((await h.request('GET', `/api/goods/${id}`)).status).toBe(200);
    expect((await h.path(id, other.token)).status).toBe(200);
  });

  it('archives an ended sale without asking, and a missing one is 404', async () => {
    const id = await create(sale('Ended kettle', -2 * hour, -hour));
    expect(
      (await h.request('DELETE', `/api/admin/goods/${id}`, { token: adminToken })).status,
    ).toBe(204);
    const missing = await h.request('DELETE', '/api/admin/goods/999999', { token: adminToken });
    expect(missing.status).toBe(404);
  });
});

describe('the audit log', () => {
  it('records every admin action with its figures, newest first, and only admins read it', async () => {
    const id = await create(sale('Audited backpack', -hour, hour));
    const body = { ...sale('Audited backpack II', -hour, hour), stock: undefined };
    expect(
      (await h.request('PUT', `/api/admin/goods/${id}`, { token: adminToken, body })).status,
    ).toBe(200);
    expect(
      (
        await h.request('POST', `/api/admin/goods/${id}/reset`, {
          token: adminToken,
          body: { stock: 7 },
        })
      ).status,
    ).toBe(200);
    expect(
      (await h.request('POST', `/api/admin/goods/${id}/reconcile`, { token: adminToken })).status,
    ).toBe(200);
    expect(
      (await h.request('DELETE', `/api/admin/goods/${id}`, { token: adminToken })).status,
    ).toBe(204);
    expect(
      (await h.request('POST', `/api/admin/goods/${id}/restore`, { token: adminToken })).status,
    ).toBe(200);
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const credit = await h.request('POST', `/api/admin/users/${u.id}/credit`, {
      token: adminToken,
      body: { amount: 500, note: 'sorry' },
    });
    expect(credit.status).toBe(200);

    const log = await h.request('GET', `/api/admin/audit?goodsId=${id}`, { token: adminToken });
    expect(log.status).toBe(200);
    expect(log.body.items.map((a: { action: string }) => a.action)).toEqual([
      'restore',
      'archive',
      'repair',
      'reset',
      'edit',
      'create',
    ]);
    const byAction = Object.fromEntries(
      log.body.items.map((a: { action: string }) => [a.action, a]),
    );
    expect(byAction.edit).toMatchObject({
      actor: expect.stringContaining('shopkeeper'),
      goodsId: id,
      before: { name: 'Audited backpack' },
      after: { name: 'Audited backpack II' },
    });
    expect(byAction.reset).toMatchObject({
      before: { stockTotal: 5 },
      after: { stockTotal: 7, cancelled: 0 },
    });
    expect(Date.parse(byAction.create.at)).toBeGreaterThan(Date.now() - 60_000);

    const all = await h.request('GET', '/api/admin/audit?pageSize=1', { token: adminToken });
    expect(all.body.items).toHaveLength(1);
    expect(all.body.items[0]).toMatchObject({
      action: 'wallet_credit',
      userId: u.id,
      before: { balance: expect.any(Number) },
    });
    expect(all.body.items[0].after.balance - all.body.items[0].before.balance).toBe(500);

    const shopper = await h.request('GET', '/api/admin/audit', { token: userToken });
    expect(shopper.status).toBe(403);
    expect(
      (await h.request('GET', '/api/admin/audit?pageSize=500', { token: adminToken })).status,
    ).toBe(422);
  });

  it('refuses to change or delete a line', async () => {
    await expect(h.query('UPDATE audit_log SET action = ?', ['edit'])).rejects.toThrow(
      /append-only/,
    );
    await expect(h.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });
});
