import { describe, expect, it } from 'vitest';
import type { GoodsRow } from '../stores/goods.ts';
import { saleStatus, toSale } from './catalog.ts';

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
