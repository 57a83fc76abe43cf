import type { Sale } from '@seckill/contracts';
import { describe, expect, it } from 'vitest';
import {
  checkSaleForm,
  emptySaleForm,
  fieldOfBodyKey,
  saleFormToBody,
  saleToForm,
  type SaleForm,
} from './saleForm';

const NOW = Date.parse('2026-11-24T12:34:00Z');

function valid(): SaleForm {
  return {
    ...emptySaleForm(NOW),
    name: 'Phone X',
    description: 'A phone',
    price: '3999',
    seckillPrice: '1999.5',
  };
}

describe('sale form', () => {
  it('starts on a whole hour at least ten minutes away, for two hours', () => {
    const form = emptySaleForm(NOW);
    expect(form.startAt?.toISOString()).toBe('2026-11-24T13:00:00.000Z');
    expect(form.endAt?.toISOString()).toBe('2026-11-24T15:00:00.000Z');
  });

  it('gives a new sale a waiting room, and sends the switch as set', () => {
    expect(emptySaleForm(NOW).waitingRoom).toBe(true);
    expect(saleFormToBody({ ...valid(), waitingRoom: false }).waitingRoom).toBe(false);
  });

  it('turns the form into the API body: cents and ISO times', () => {
    expect(saleFormToBody(valid())).toEqual({
      name: 'Phone X',
      description: 'A phone',
      imageUrl: '/images/goods/phone.svg',
      price: 399_900,
      seckillPrice: 199_950,
      stock: 100,
      startAt: '2026-11-24T13:00:00.000Z',
      endAt: '2026-11-24T15:00:00.000Z',
      waitingRoom: true,
    });
    expect(checkSaleForm(valid())).toEqual({});
  });

  it('finds what the API would refuse', () => {
    const form: SaleForm = {
      ...valid(),
      name: '  ',
      price: '10.999',
      seckillPrice: '0',
      stock: 1.5,
      imageMode: 'url',
      imageUrl: 'javascript:alert(1)',
      endAt: new Date(NOW),
    };
    expect(checkSaleForm(form)).toEqual({
      name: 'required',
      price: 'money',
      seckillPrice: 'moneyRange',
      stock: 'stock',
      image: 'imageUrl',
      endAt: 'endBeforeStart',
    });
  });

  it('refuses a flash price above the original one', () => {
    expect(checkSaleForm({ ...valid(), seckillPrice: '4000' })).toEqual({
      seckillPrice: 'seckillAbovePrice',
    });
  });

  it('sends an empty image (placeholder) or a URL as chosen', () => {
    expect(saleFormToBody({ ...valid(), imageMode: 'none' }).imageUrl).toBe('');
    expect(
      saleFormToBody({ ...valid(), imageMode: 'url', imageUrl: ' https://cdn.example/x.png ' })
        .imageUrl,
    ).toBe('https://cdn.example/x.png');
  });

  it('fills the form from a sale and back without changing it', () => {
    const sale: Sale = {
      id: 3,
      name: 'Watch',
      description: '',
      imageUrl: '/images/goods/watch.svg',
      price: 129_900,
      seckillPrice: 99_990,
      stock: 20,
      stockLeft: 5,
      startAt: '2026-11-24T10:00:00.000Z',
      endAt: '2026-11-24T18:00:00.000Z',
      status: 'active',
      waitingRoom: false,
    };
    const form = saleToForm(sale);
    expect(form).toMatchObject({ imageMode: 'shipped', price: '1299.00', seckillPrice: '999.90' });
    const { id: _id, stockLeft: _left, status: _status, ...body } = sale;
    expect(saleFormToBody(form)).toEqual(body);
    // An existing sale keeps its own setting; it is not switched on by the form's default.
    expect(saleToForm({ ...sale, waitingRoom: true }).waitingRoom).toBe(true);
    expect(saleToForm(sale).waitingRoom).toBe(false);
  });

  it('maps the server field names onto form fields', () => {
    expect(fieldOfBodyKey('imageUrl')).toBe('image');
    expect(fieldOfBodyKey('endAt')).toBe('endAt');
    expect(fieldOfBodyKey('nonsense')).toBeNull();
  });
});
