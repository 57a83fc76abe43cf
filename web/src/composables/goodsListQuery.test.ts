import { describe, expect, it } from 'vitest';
import { goodsListKey, readGoodsListQuery, writeGoodsListQuery } from './goodsListQuery';

describe('goods list query', () => {
  it('reads the tab, the search and the page from the URL', () => {
    expect(readGoodsListQuery({ tab: 'ended', q: ' lamp ', page: '3' })).toEqual({
      tab: 'ended',
      q: 'lamp',
      page: 3,
    });
    expect(readGoodsListQuery({})).toEqual({ tab: 'all', q: '', page: 1 });
  });

  it('falls back to the defaults for what it does not know', () => {
    expect(readGoodsListQuery({ tab: 'sold_out', page: '-2' })).toEqual({
      tab: 'all',
      q: '',
      page: 1,
    });
    expect(readGoodsListQuery({ page: '1.5' }).page).toBe(1);
    expect(readGoodsListQuery({ page: 'abc' }).page).toBe(1);
    expect(readGoodsListQuery({ tab: ['upcoming', 'ended'], q: [null] })).toEqual({
      tab: 'upcoming',
      q: '',
      page: 1,
    });
  });

  it('writes only what differs from the plain list, and reads back what it wrote', () => {
    expect(writeGoodsListQuery({ tab: 'all', q: '', page: 1 })).toEqual({});
    const filters = { tab: 'active', q: '手机 壳', page: 2 } as const;
    const written = writeGoodsListQuery(filters);
    expect(written).toEqual({ tab: 'active', q: '手机 壳', page: '2' });
    expect(readGoodsListQuery(written as Record<string, string>)).toEqual(filters);
  });

  it('tells filters apart by key', () => {
    expect(goodsListKey({ tab: 'all', q: 'a', page: 1 })).not.toBe(
      goodsListKey({ tab: 'all', q: 'a', page: 2 }),
    );
  });
});
