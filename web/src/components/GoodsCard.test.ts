import type { Sale } from '@seckill/contracts';
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n, setLocale } from '@/i18n';
import GoodsCard from './GoodsCard.vue';

const router = createRouter({
  history: createMemoryHistory(),
  routes: [
    { path: '/', name: 'goods', component: { template: '<div />' } },
    { path: '/goods/:id', name: 'goods-detail', component: { template: '<div />' } },
  ],
});

const NOW = Date.parse('2026-11-24T12:00:00Z');
const sale: Sale = {
  id: 9,
  name: '<script>alert("x")</script><b>bold</b>',
  description: '',
  imageUrl: '',
  price: 19_900,
  seckillPrice: 9_900,
  stock: 50,
  stockLeft: 20,
  startAt: '2026-11-24T11:00:00Z',
  endAt: '2026-11-24T13:00:00Z',
  status: 'upcoming',
  waitingRoom: false,
};

function render(s: Sale, now = NOW) {
  return mount(GoodsCard, {
    props: { sale: s, serverNow: now },
    global: { plugins: [i18n, router] },
  });
}

describe('GoodsCard', () => {
  it('shows a name with markup as plain text', () => {
    setLocale('en');
    const card = render(sale);
    const name = card.get('[data-test="goods-name"]');
    expect(name.text()).toBe(sale.name);
    expect(name.element.querySelector('script, b')).toBeNull();
  });

  it('shows prices, stock left and a status from the server clock, not the stale one', () => {
    setLocale('en');
    const card = render(sale);
    expect(card.get('[data-test="seckill-price"]').text()).toBe('¥99.00');
    expect(card.get('[data-test="original-price"]').element.tagName).toBe('S');
    expect(card.get('[data-test="stock-left"]').text()).toBe('60% claimed');
    expect(card.get('[data-test="stock-left"]').attributes('title')).toBe('20 left');
    expect(card.get('[data-test="goods-card"]').attributes('data-status')).toBe('active');
    expect(card.get('[data-test="status-tag"]').text()).toBe('On sale');

    const soldOut = render({ ...sale, stockLeft: 0 });
    expect(soldOut.get('[data-test="goods-card"]').attributes('data-status')).toBe('sold_out');
    const later = render(sale, Date.parse('2026-11-24T13:00:00Z'));
    expect(later.get('[data-test="goods-card"]').attributes('data-status')).toBe('ended');
  });

  it('dates each card in the shop format with its zone, an ended one by its end', () => {
    setLocale('en');
    const zone = / (GMT|UTC)[+-]?[\d:]*$/;
    const soon = render(sale, Date.parse('2026-11-24T10:00:00Z'));
    expect(soon.get('[data-test="goods-when"]').text()).toMatch(/^Starts Nov 24, \d\d:00 /);
    expect(soon.get('[data-test="goods-when"]').text()).toMatch(zone);
    expect(render(sale).get('[data-test="goods-when"]').text()).toMatch(/^Ends Nov 24, \d\d:00 /);

    const ended = render(sale, Date.parse('2026-11-25T09:00:00Z'));
    expect(ended.get('[data-test="goods-card"]').classes()).toContain('card--ended');
    expect(ended.get('[data-test="goods-when"]').text()).toMatch(/^Ended Nov 2[45], \d\d:00 /);
    expect(ended.get('[data-test="goods-when"]').text()).toMatch(zone);
    setLocale('zh-CN');
    expect(
      render(sale, Date.parse('2026-11-25T09:00:00Z')).get('[data-test="goods-when"]').text(),
    ).toMatch(/^已于 11月2[45]日 \d\d:00 (GMT|UTC)[+-]?[\d:]* 结束$/);
    setLocale('en');
  });

  it('speaks Chinese when switched', () => {
    setLocale('zh-CN');
    const card = render(sale);
    expect(card.get('[data-test="stock-left"]').text()).toBe('已抢 60%');
    expect(localStorage.getItem('seckill.locale')).toBe('zh-CN');
    setLocale('en');
  });
});
