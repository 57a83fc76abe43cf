import type { Sale, SaleStatus } from '@seckill/contracts';
import type { StockStore } from '@seckill/stock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GoodsRow, GoodsStore } from '../stores/goods.ts';
import { matchesFilter, SaleCatalog, saleStatus, toSale } from './catalog.ts';

const row: GoodsRow = {
  id: 1,
  name: 'n',
  description: 'd',
  imageUrl: '',
  price: 200,
  seckillPrice: 100,
  stockTotal: 10,
  stockLeft: 4,
  startAt: new Date(1000),
  endAt: new Date(2000),
  version: 0,
  archivedAt: null,
  waitingRoom: false,
};

describe('sale status', () => {
  it('is upcoming, active, sold out and ended by time and stock', () => {
    expect(saleStatus(row, 5, 999)).toBe('upcoming');
    expect(saleStatus(row, 5, 1000)).toBe('active');
    expect(saleStatus(row, 0, 1500)).toBe('sold_out');
    expect(saleStatus(row, 5, 2000)).toBe('ended');
  });

  it('takes stock left from Redis, falling back to MySQL when Redis has none', () => {
    expect(toSale(row, 3, 1500)).toMatchObject({ stockLeft: 3, stock: 10, status: 'active' });
    expect(toSale(row, null, 1500)).toMatchObject({ stockLeft: 4 });
    expect(toSale(row, -1, 1500)).toMatchObject({ stockLeft: 0, status: 'sold_out' });
    expect(toSale(row, 1, 1500).startAt).toBe(new Date(1000).toISOString());
  });
});

describe('storefront filters', () => {
  const at = (stock: number, now: number) => toSale(row, stock, now);
  it('counts a sold-out sale in its window as on now, and matches names case-blind', () => {
    expect(matchesFilter(at(0, 1500), ['active'], '')).toBe(true);
    expect(matchesFilter(at(0, 1500), ['sold_out'], '')).toBe(true);
    expect(matchesFilter(at(3, 1500), ['sold_out'], '')).toBe(false);
    expect(matchesFilter(at(3, 999), ['active', 'ended'], '')).toBe(false);
    expect(matchesFilter(at(3, 999), ['upcoming'], '')).toBe(true);
    expect(matchesFilter(at(3, 2500), [], '')).toBe(true);
    expect(matchesFilter({ ...at(3, 1500), name: 'Mate Phone' }, [], 'phone')).toBe(true);
    expect(matchesFilter({ ...at(3, 1500), name: 'Mate Phone' }, ['active'], 'watch')).toBe(false);
  });

  it('shows when a sale was archived', () => {
    expect(toSale(row, 1, 1500).archivedAt).toBeUndefined();
    expect(toSale({ ...row, archivedAt: new Date(1800) }, 1, 1500).archivedAt).toBe(
      new Date(1800).toISOString(),
    );
  });
});

describe('the storefront order', () => {
  afterEach(() => vi.useRealTimers());

  const NOW = Date.parse('2026-12-08T12:00:00Z');
  const min = 60_000;
  /** 30 sales, listed by MySQL in start order as before, with ties and mixed states. */
  function rows(): { goods: GoodsRow[]; left: Map<number, number> } {
    const goods: GoodsRow[] = [];
    const left = new Map<number, number>();
    const add = (startIn: number, endIn: number, stock: number) => {
      const id = goods.length + 1;
      goods.push({
        ...row,
        id,
        name: `Sale ${id}`,
        startAt: new Date(NOW + startIn * min),
        endAt: new Date(NOW + endIn * min),
      });
      left.set(id, stock);
    };
    for (let i = 0; i < 8; i++) add(10 + i * 7, 200 + i, 5); // upcoming
    for (let i = 0; i < 8; i++) add(-100 - i, 50 - (i % 4) * 10, 3); // on sale, with equal ends
    for (let i = 0; i < 6; i++) add(-60 - i * 3, 30 + i, 0); // sold out
    for (let i = 0; i < 8; i++) add(-500 + i, -5 - i * 9, 2); // ended
    goods.sort((a, b) => b.startAt.getTime() - a.startAt.getTime() || b.id - a.id);
    return { goods, left };
  }

  function catalog() {
    const { goods, left } = rows();
    const goodsStore = { list: () => Promise.resolve(goods) } as unknown as GoodsStore;
    const stock = {
      stockLeft: (ids: number[]) => Promise.resolve(new Map(ids.map((id) => [id, left.get(id)]))),
    } as unknown as StockStore;
    return new SaleCatalog(goodsStore, stock);
  }

  const RANK: Record<SaleStatus, number> = { active: 0, upcoming: 1, sold_out: 2, ended: 3 };
  function expectStorefrontOrder(sales: Sale[]) {
    for (let i = 1; i < sales.length; i++) {
      const [a, b] = [sales[i - 1] as Sale, sales[i] as Sale];
      const rank = RANK[a.status] - RANK[b.status];
      expect(rank, `${a.id} before ${b.id}`).toBeLessThanOrEqual(0);
      if (rank < 0) continue;
      const key = (s: Sale) =>
        s.status === 'upcoming'
          ? Date.parse(s.startAt)
          : s.status === 'ended'
            ? -Date.parse(s.endAt)
            : Date.parse(s.endAt);
      expect(key(a), `${a.id} before ${b.id}`).toBeLessThanOrEqual(key(b));
      if (key(a) === key(b)) expect(a.id).toBeLessThan(b.id);
    }
  }

  it('puts every sale on sale on page 1, then upcoming, sold out and ended, across pages', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const c = catalog();
    const first = await c.page({ page: 1, pageSize: 20 });
    expect(first.total).toBe(30);
    const statuses = first.items.map((s) => s.status);
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill('active'));
    expect(statuses.slice(8, 16)).toEqual(Array(8).fill('upcoming'));
    expect(statuses.slice(16)).toEqual(Array(4).fill('sold_out'));
    const ends = first.items.slice(0, 8).map((s) => Date.parse(s.endAt));
    expect(ends).toEqual([...ends].sort((a, b) => a - b));

    const pages: Sale[] = [];
    for (let page = 1; page <= 5; page++)
      pages.push(...(await c.page({ page, pageSize: 7 })).items);
    expect(pages).toHaveLength(30);
    expect(new Set(pages.map((s) => s.id)).size).toBe(30);
    expectStorefrontOrder(pages);
    expect(pages.map((s) => s.id)).toEqual(
      [...first.items, ...(await c.page({ page: 2, pageSize: 20 })).items].map((s) => s.id),
    );
    expect(pages.slice(22).map((s) => s.status)).toEqual(Array(8).fill('ended'));
  });

  it('keeps the order within a filter', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const on = await catalog().page({ page: 1, pageSize: 100, status: ['active'] });
    expect(on.items.map((s) => s.status)).toEqual([
      ...Array(8).fill('active'),
      ...Array(6).fill('sold_out'),
    ]);
    expectStorefrontOrder(on.items);
  });
});
