import type { OrderResult, QueueStatus } from '@seckill/contracts';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { ApiError } from '@/api/errors';
import { fetchCaptchaSvg, fetchQueue, joinQueue, requestPath } from '@/api/seckill';
import { i18n, setLocale } from '@/i18n';
import BuyBox from './BuyBox.vue';

vi.mock('@/api/seckill', () => ({
  fetchCaptchaSvg: vi.fn(async () => '<svg xmlns="http://www.w3.org/2000/svg"/>'),
  requestPath: vi.fn(async () => 'p'.repeat(32)),
  placeOrder: vi.fn(async () => ({ status: 'queued' })),
  fetchResult: vi.fn(async (): Promise<OrderResult> => ({ status: 'none' })),
  joinQueue: vi.fn(),
  fetchQueue: vi.fn(),
}));

const NOW = Date.parse('2026-12-02T12:00:00.000Z');
const ROOM = {
  opensAt: new Date(NOW - 600_000).toISOString(),
  startAt: new Date(NOW - 1000).toISOString(),
  endAt: new Date(NOW + 3600_000).toISOString(),
};
const router = createRouter({
  history: createMemoryHistory(),
  routes: [
    { path: '/', name: 'goods', component: { template: '<div />' } },
    { path: '/orders', name: 'orders', component: { template: '<div />' } },
  ],
});

function render(room: typeof ROOM | null) {
  return mount(BuyBox, {
    props: { goodsId: 5, userId: 1, seckillPrice: 9900, phase: 'active', soldOut: false, room },
    global: { plugins: [i18n, router, createPinia()] },
  });
}
const admitted: QueueStatus = {
  status: 'admitted',
  position: null,
  etaSeconds: 0,
  admittedUntil: new Date(NOW + 120_000).toISOString(),
};

describe('BuyBox with a waiting room', () => {
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: false });
    vi.setSystemTime(NOW);
    setLocale('en');
    vi.mocked(fetchQueue).mockReset();
    vi.mocked(joinQueue).mockReset();
    vi.mocked(requestPath).mockClear();
    vi.mocked(fetchCaptchaSvg).mockClear();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('behaves as always for a sale without a room', async () => {
    const box = render(null);
    await flushPromises();
    expect(box.find('[data-test="waiting-room"]').exists()).toBe(false);
    expect(box.get('[data-test="buy-button"]').attributes('disabled')).toBeUndefined();
    expect(fetchQueue).not.toHaveBeenCalled();
    box.unmount();
  });

  it('shows the room, not the captcha, until the shopper is let in', async () => {
    vi.mocked(fetchQueue).mockResolvedValue({ status: 'none', position: null, etaSeconds: null });
    vi.mocked(joinQueue).mockResolvedValue({ status: 'waiting', position: 3, etaSeconds: 1 });
    const box = render(ROOM);
    await flushPromises();
    expect(box.get('[data-test="waiting-room"]').attributes('data-view')).toBe('join');
    expect(box.find('[data-test="buy-button"]').exists()).toBe(false);
    expect(box.find('[data-test="captcha-input"]').exists()).toBe(false);
    expect(fetchCaptchaSvg).not.toHaveBeenCalled();

    await box.get('[data-test="room-join"]').trigger('click');
    await flushPromises();
    expect(joinQueue).toHaveBeenCalledWith(5);
    expect(box.get('[data-test="room-position"]').text()).toBe('You are number 3 in line');
    expect(box.find('[data-test="buy-button"]').exists()).toBe(false);
    box.unmount();
  });

  it('offers the captcha and the buy button once admitted, and goes back on NOT_ADMITTED', async () => {
    vi.mocked(fetchQueue).mockResolvedValue(admitted);
    const box = render(ROOM);
    await flushPromises();
    expect(box.get('[data-test="waiting-room"]').attributes('data-view')).toBe('admitted');
    expect(box.get('[data-test="buy-button"]').attributes('disabled')).toBeUndefined();
    expect(fetchCaptchaSvg).toHaveBeenCalledTimes(1);

    vi.mocked(requestPath).mockRejectedValueOnce(
      new ApiError('NOT_ADMITTED', 'Please wait for your turn.', 403),
    );
    vi.mocked(fetchQueue).mockResolvedValue({ status: 'none', position: null, etaSeconds: null });
    await box.get('[data-test="captcha-input"]').setValue('abcd');
    await box.get('[data-test="buy-button"]').trigger('click');
    await flushPromises();
    expect(box.get('[data-test="waiting-room"]').attributes('data-view')).toBe('join');
    expect(box.get('[data-test="room-notice"]').text()).toBe(
      'Please wait for your turn in the waiting room before buying.',
    );
    // Said once, by the room; the buy result does not repeat it.
    expect(box.find('[data-test="buy-result"]').exists()).toBe(false);
    expect(box.find('[data-test="buy-button"]').exists()).toBe(false);
    box.unmount();
  });
});

describe('BuyBox captcha', () => {
  beforeEach(() => {
    vi.mocked(fetchCaptchaSvg).mockClear();
  });

  it('shows the code at 200×64 with a visible, named refresh in both languages that loads a new one', async () => {
    vi.mocked(fetchCaptchaSvg)
      .mockResolvedValueOnce('<svg xmlns="http://www.w3.org/2000/svg"><g id="first"/></svg>')
      .mockResolvedValueOnce('<svg xmlns="http://www.w3.org/2000/svg"><g id="second"/></svg>');
    setLocale('en');
    const box = render(null);
    await flushPromises();
    expect(fetchCaptchaSvg).toHaveBeenCalledTimes(1);
    const img = box.get('[data-test="captcha-img"]');
    expect(img.attributes()).toMatchObject({ width: '200', height: '64' });
    const before = img.attributes('src');
    expect(decodeURIComponent(before ?? '')).toContain('first');

    const again = box.get('[data-test="captcha-new"]');
    expect(again.text()).toContain('New code');
    await again.trigger('click');
    await flushPromises();
    expect(fetchCaptchaSvg).toHaveBeenCalledTimes(2);
    expect(fetchCaptchaSvg).toHaveBeenLastCalledWith(5);
    expect(
      decodeURIComponent(box.get('[data-test="captcha-img"]').attributes('src') ?? ''),
    ).toContain('second');

    setLocale('zh-CN');
    await flushPromises();
    expect(box.get('[data-test="captcha-new"]').text()).toContain('换一张');
    expect(box.get('[data-test="captcha-refresh"]').attributes('aria-label')).toBe('换一张');
    setLocale('en');
    box.unmount();
  });
});
