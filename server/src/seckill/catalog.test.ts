import { describe, expect, it } from 'vitest';
import type { GoodsRow } from '../stores/goods.ts';
import { matchesFilter, saleStatus, toSale } from './catalog.ts';

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
