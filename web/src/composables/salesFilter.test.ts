import type { SaleStats, SaleStatus } from '@seckill/contracts';
import { describe, expect, it } from 'vitest';
import { filterSales, type SalesQuery } from './salesFilter';

function sale(id: number, name: string, status: SaleStatus): SaleStats {
  return {
    id,
    name,
    status,
    stock: 10,
    stockLeftDb: 5,
    stockLeftRedis: 5,
    orders: 5,
    pending: 1,
    paid: 4,
    cancelled: 0,
    expired: 0,
    revenue: 400,
    room: null,
  };
}

const ALL = [
  sale(1, 'Phone Pro', 'active'),
  sale(2, 'Rice Cooker', 'ended'),
  sale(3, 'phone case', 'sold_out'),
  sale(4, 'Kettle', 'upcoming'),
  sale(12, 'Tea 手机壳', 'active'),
];
const query = (over: Partial<SalesQuery> = {}): SalesQuery => ({
  status: 'all',
  text: '',
  page: 1,
  pageSize: 20,
  ...over,
});
const ids = (items: SaleStats[]) => items.map((s) => s.id);

describe('filterSales', () => {
  it('keeps every sale in its order with no filter', () => {
    expect(filterSales(ALL, query())).toEqual({ items: ALL, total: 5, page: 1 });
  });

  it('keeps one status only', () => {
    expect(ids(filterSales(ALL, query({ status: 'active' })).items)).toEqual([1, 12]);
    expect(ids(filterSales(ALL, query({ status: 'sold_out' })).items)).toEqual([3]);
    expect(filterSales(ALL, query({ status: 'ended', text: 'phone' })).total).toBe(0);
  });

  it('matches a part of the name in any case, trimmed, and CJK text', () => {
    expect(ids(filterSales(ALL, query({ text: '  PHONE ' })).items)).toEqual([1, 3]);
    expect(ids(filterSales(ALL, query({ text: '手机' })).items)).toEqual([12]);
    expect(ids(filterSales(ALL, query({ text: 'phone', status: 'active' })).items)).toEqual([1]);
  });

  it('matches an id exactly, with or without "#"', () => {
    expect(ids(filterSales(ALL, query({ text: '#12' })).items)).toEqual([12]);
    expect(ids(filterSales(ALL, query({ text: '1' })).items)).toEqual([1]);
  });

  it('cuts pages and counts every match', () => {
    const second = filterSales(ALL, query({ page: 2, pageSize: 2 }));
    expect(second).toMatchObject({ total: 5, page: 2 });
    expect(ids(second.items)).toEqual([3, 4]);
    expect(ids(filterSales(ALL, query({ page: 3, pageSize: 2 })).items)).toEqual([12]);
  });

  it('falls back to the last page when fewer sales are left, and to page 1 when none', () => {
    const past = filterSales(ALL, query({ page: 9, pageSize: 2 }));
    expect(past.page).toBe(3);
    expect(ids(past.items)).toEqual([12]);
    expect(filterSales([], query({ page: 4 }))).toEqual({ items: [], total: 0, page: 1 });
    expect(filterSales(ALL, query({ page: 0, pageSize: 2 })).page).toBe(1);
  });
});
