import { SaleCreateBody } from '@seckill/contracts';
import { describe, expect, it } from 'vitest';
import { parse } from './body.ts';
import { AppError } from './errors.ts';

const valid = {
  name: 'Phone',
  description: '',
  imageUrl: '',
  price: 1000,
  seckillPrice: 500,
  stock: 3,
  startAt: '2026-01-01T00:00:00Z',
  endAt: '2026-01-02T00:00:00+08:00',
};

describe('parse', () => {
  it('returns the parsed value', () => {
    expect(parse(SaleCreateBody, valid)).toEqual(valid);
  });

  it('throws VALIDATION naming every bad and unknown field', () => {
    let caught: unknown;
    try {
      parse(SaleCreateBody, { ...valid, price: -1, stock: 1.5, owner: 1 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    const e = caught as AppError;
    expect(e.code).toBe('VALIDATION');
    expect(e.status).toBe(422);
    expect(Object.keys(e.fields ?? {}).sort()).toEqual(['owner', 'price', 'stock']);
  });

  it('checks prices and the window across fields', () => {
    expect(() => parse(SaleCreateBody, { ...valid, seckillPrice: 2000 })).toThrow(/seckillPrice/);
    expect(() => parse(SaleCreateBody, { ...valid, endAt: valid.startAt })).toThrow(/endAt/);
    expect(() => parse(SaleCreateBody, { ...valid, imageUrl: 'javascript:alert(1)' })).toThrow(
      /imageUrl/,
    );
    expect(() => parse(SaleCreateBody, null)).toThrow(AppError);
  });
});
