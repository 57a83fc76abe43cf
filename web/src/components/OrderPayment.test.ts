import type { Order } from '@seckill/contracts';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { ApiError } from '@/api/errors';
import { cancelOrder, getOrder, payOrder } from '@/api/orders';
import { i18n, setLocale } from '@/i18n';
import OrderPayment from './OrderPayment.vue';

vi.mock('@/api/orders', () => ({
  getOrder: vi.fn(),
  payOrder: vi.fn(),
  cancelOrder: vi.fn(),
}));
vi.mock('@/api/wallet', () => ({
  getWallet: vi.fn(async () => ({ balance: 50_000, entries: [], page: 1, pageSize: 1, total: 0 })),
}));

const NOW = Date.parse('2026-11-24T12:00:00.000Z');
const router = createRouter({
  history: createMemoryHistory(),
  routes: [
    { path: '/', name: 'goods', component: { template: '<div />' } },
    { path: '/orders', name: 'orders', component: { template: '<div />' } },
    { path: '/wallet', name: 'wallet', component: { template: '<div />' } },
  ],
});

function order(patch: Partial<Order> = {}): Order {
  return {
    id: '4242',
    goodsId: 3,
    goodsName: 'Kettle',
    imageUrl: '',
    price: 9_900,
    status: 'pending_payment',
    createdAt: new Date(NOW - 1_000).toISOString(),
    // 4 min 59.5 s left: shown as 05:00, rounded up.
    expiresAt: new Date(NOW + 299_500).toISOString(),
    ...patch,
  };
}

function render() {
  return mount(OrderPayment, {
    props: { orderId: '4242', canBuyAgain: true },
    global: { plugins: [i18n, router, createPinia()] },
    attachTo: document.body,
  });
}

const byTest = (w: ReturnType<typeof render>, name: string) => w.find(`[data-test="${name}"]`);

describe('OrderPayment', () => {
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: false });
    vi.setSystemTime(NOW);
    setLocale('en');
    vi.mocked(getOrder).mockReset().mockResolvedValue({ item: order() });
    vi.mocked(payOrder).mockReset();
    vi.mocked(cancelOrder).mockReset();
  });
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  it('says "Pay now — 05:00 left" on the server clock, and the order is not called paid', async () => {
    const w = render();
    await flushPromises();
    expect(byTest(w, 'pay-now').text()).toBe('Pay now — 05:00 left');
    expect(byTest(w, 'pay-countdown').attributes('data-remaining')).toBe('300');
    const status = byTest(w, 'order-status');
    expect(status.attributes('data-status')).toBe('pending_payment');
    expect(status.text()).toBe('Awaiting payment');
    expect(w.text()).not.toContain('Paid');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(byTest(w, 'pay-now').text()).toBe('Pay now — 04:00 left');
    w.unmount();
  });

  it('pays through the API and then shows the paid order', async () => {
    vi.mocked(payOrder).mockResolvedValue({
      item: order({ status: 'paid', paidAt: new Date(NOW).toISOString() }),
    });
    const w = render();
    await flushPromises();
    await byTest(w, 'pay-button').trigger('click');
    await flushPromises();
    expect(payOrder).toHaveBeenCalledWith('4242');
    expect(byTest(w, 'order-status').attributes('data-status')).toBe('paid');
    expect(byTest(w, 'order-status').text()).toBe('Paid');
    expect(byTest(w, 'pay-button').exists()).toBe(false);
    w.unmount();
  });

  it('cancels only after the shopper confirms, then lets them buy again', async () => {
    vi.mocked(cancelOrder).mockResolvedValue({ item: order({ status: 'cancelled' }) });
    const w = render();
    await flushPromises();
    await byTest(w, 'cancel-button').trigger('click');
    expect(cancelOrder).not.toHaveBeenCalled();
    await byTest(w, 'cancel-keep').trigger('click');
    expect(byTest(w, 'pay-button').exists()).toBe(true);
    await byTest(w, 'cancel-button').trigger('click');
    await byTest(w, 'cancel-confirm').trigger('click');
    await flushPromises();
    expect(cancelOrder).toHaveBeenCalledWith('4242');
    expect(w.emitted('released')).toEqual([['cancelled']]);
    expect(byTest(w, 'order-status').text()).toBe('Cancelled');
    expect(w.text()).toContain('You may buy it again');
    w.unmount();
  });

  it('explains a refused payment and points to the wallet when the balance is short', async () => {
    vi.mocked(payOrder).mockRejectedValue(
      new ApiError('INSUFFICIENT_FUNDS', 'Your wallet balance is too low.', 409),
    );
    const w = render();
    await flushPromises();
    await byTest(w, 'pay-button').trigger('click');
    await flushPromises();
    const error = byTest(w, 'pay-error');
    expect(error.attributes('data-code')).toBe('INSUFFICIENT_FUNDS');
    expect(error.text()).toContain('Your wallet balance is too low to pay for this order.');
    expect(error.text()).toContain('Open my wallet');
    w.unmount();
  });

  it('at the deadline stops offering payment and reads the order until the server expires it', async () => {
    const w = render();
    await flushPromises();
    expect(getOrder).toHaveBeenCalledTimes(1);
    vi.mocked(getOrder).mockResolvedValue({ item: order({ status: 'expired' }) });
    await vi.advanceTimersByTimeAsync(300_000);
    await flushPromises();
    expect(getOrder).toHaveBeenCalledTimes(2);
    expect(byTest(w, 'order-status').attributes('data-status')).toBe('expired');
    expect(byTest(w, 'order-status').text()).toBe('Expired');
    expect(w.emitted('released')).toEqual([['expired']]);
    expect(byTest(w, 'pay-button').exists()).toBe(false);
    w.unmount();
  });

  it('shows a pending order past its deadline as "Time is up", never as paid', async () => {
    vi.mocked(getOrder).mockResolvedValue({
      item: order({ expiresAt: new Date(NOW - 1).toISOString() }),
    });
    const w = render();
    await flushPromises();
    const status = byTest(w, 'order-status');
    expect(status.attributes('data-phase')).toBe('overdue');
    expect(status.text()).toBe('Time is up');
    expect(byTest(w, 'pay-button').exists()).toBe(false);
    w.unmount();
  });
});
