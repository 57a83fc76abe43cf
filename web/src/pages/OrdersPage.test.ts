import type { Order } from '@seckill/contracts';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { cancelOrder, listOrders, payOrder } from '@/api/orders';
import { i18n, setLocale } from '@/i18n';
import OrdersPage from './OrdersPage.vue';

vi.mock('@/api/orders', () => ({
  listOrders: vi.fn(),
  payOrder: vi.fn(),
  cancelOrder: vi.fn(),
}));
vi.mock('@/api/wallet', () => ({
  getWallet: vi.fn(async () => ({ balance: 0, entries: [], page: 1, pageSize: 1, total: 0 })),
}));

const NOW = Date.parse('2026-11-24T12:00:00.000Z');
const router = createRouter({
  history: createMemoryHistory(),
  routes: [
    { path: '/', name: 'goods', component: { template: '<div />' } },
    { path: '/goods/:id', name: 'goods-detail', component: { template: '<div />' } },
  ],
});

function order(id: string, status: Order['status'], expiresInMs = 120_000): Order {
  return {
    id,
    goodsId: Number(id),
    goodsName: `Item ${id}`,
    imageUrl: '',
    price: 9_900,
    status,
    createdAt: new Date(NOW - 60_000).toISOString(),
    expiresAt: new Date(NOW + expiresInMs).toISOString(),
    ...(status === 'paid' ? { paidAt: new Date(NOW - 30_000).toISOString() } : {}),
  };
}

function render() {
  return mount(OrdersPage, { global: { plugins: [i18n, router, createPinia()] } });
}

describe('OrdersPage', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    setLocale('en');
    vi.mocked(listOrders).mockReset();
    vi.mocked(payOrder).mockReset();
    vi.mocked(cancelOrder).mockReset();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows each order’s own state, a countdown and actions only for the pending one', async () => {
    vi.mocked(listOrders).mockResolvedValue({
      items: [
        order('1', 'pending_payment'),
        order('2', 'paid'),
        order('3', 'cancelled'),
        order('4', 'expired', -1000),
        order('5', 'pending_payment', -1),
      ],
    });
    const w = render();
    await flushPromises();
    const rows = w.findAll('[data-test="order-row"]');
    const statuses = rows.map((r) => r.get('[data-test="order-status"]').text());
    expect(statuses).toEqual(['Awaiting payment', 'Paid', 'Cancelled', 'Expired', 'Time is up']);
    expect(rows[0]!.get('[data-test="order-countdown"]').text()).toBe('02:00 left to pay');
    expect(rows.map((r) => r.find('[data-test="order-pay"]').exists())).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
    // "Paid" is said of the paid order only.
    expect(
      rows.filter((r) => r.text().includes('Paid')).map((r) => r.attributes('data-order-id')),
    ).toEqual(['2']);
    w.unmount();
  });

  it('pays and cancels (after confirming) through the API, updating the row', async () => {
    vi.mocked(listOrders).mockResolvedValue({
      items: [order('1', 'pending_payment'), order('2', 'pending_payment')],
    });
    vi.mocked(payOrder).mockResolvedValue({ item: order('1', 'paid') });
    vi.mocked(cancelOrder).mockResolvedValue({ item: order('2', 'cancelled') });
    const w = render();
    await flushPromises();
    const row = (id: string) => w.get(`[data-test="order-row"][data-order-id="${id}"]`);

    await row('1').get('[data-test="order-pay"]').trigger('click');
    await flushPromises();
    expect(payOrder).toHaveBeenCalledWith('1');
    expect(row('1').get('[data-test="order-status"]').attributes('data-status')).toBe('paid');

    await row('2').get('[data-test="order-cancel"]').trigger('click');
    expect(cancelOrder).not.toHaveBeenCalled();
    await row('2').get('[data-test="order-cancel-confirm"]').trigger('click');
    await flushPromises();
    expect(cancelOrder).toHaveBeenCalledWith('2');
    expect(row('2').get('[data-test="order-status"]').text()).toBe('Cancelled');
    w.unmount();
  });

  it('says so when there are no orders', async () => {
    vi.mocked(listOrders).mockResolvedValue({ items: [] });
    const w = render();
    expect(w.find('[data-test="orders-loading"]').exists()).toBe(true);
    await flushPromises();
    expect(w.find('[data-test="orders-empty"]').exists()).toBe(true);
    w.unmount();
  });
});
