import type { Sale } from '@seckill/contracts';
import { flushPromises, mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { listSales, type SaleListParams } from '@/api/goods';
import { i18n, setLocale } from '@/i18n';
import GoodsListPage from './GoodsListPage.vue';

vi.mock('@/api/goods', () => ({ listSales: vi.fn() }));

const NOW = '2026-11-24T12:00:00.000Z';

function sale(id: number): Sale {
  return {
    id,
    name: `Lamp ${id}`,
    description: '',
    imageUrl: '',
    price: 19_900,
    seckillPrice: 9_900,
    stock: 10,
    stockLeft: 5,
    startAt: '2026-11-24T11:00:00Z',
    endAt: '2026-11-24T13:00:00Z',
    status: 'active',
    waitingRoom: false,
  };
}

/** A catalogue of `total` sales that answers whatever it is asked with a page of them. */
function catalogue(total: number) {
  vi.mocked(listSales).mockImplementation(async (params: SaleListParams = {}) => {
    const page = params.page ?? 1;
    const size = params.pageSize ?? 20;
    const ids = Array.from({ length: total }, (_, i) => i + 1).slice(
      (page - 1) * size,
      page * size,
    );
    return {
      data: { items: ids.map(sale), total, page, pageSize: size, serverTime: NOW },
      sentAt: Date.now(),
      receivedAt: Date.now(),
    };
  });
}

function makeRouter(): Router {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'goods', component: GoodsListPage },
      { path: '/goods/:id', name: 'goods-detail', component: { template: '<div />' } },
    ],
  });
}

async function render(url: string) {
  const router = makeRouter();
  await router.push(url);
  await router.isReady();
  const w = mount({ template: '<RouterView />' }, { global: { plugins: [i18n, router] } });
  await flushPromises();
  return { w, router };
}

const lastAsked = () => vi.mocked(listSales).mock.calls.at(-1)?.[0];

describe('GoodsListPage', () => {
  beforeEach(() => {
    setLocale('en');
    vi.mocked(listSales).mockReset();
  });

  it('opens with the tab, search and page of a shared link', async () => {
    catalogue(45);
    const { w } = await render('/?tab=upcoming&q=lamp&page=2');
    expect(lastAsked()).toEqual({ status: ['upcoming'], q: 'lamp', page: 2, pageSize: 20 });
    expect(w.get('[data-test="tab-upcoming"]').attributes('aria-selected')).toBe('true');
    expect(w.get<HTMLInputElement>('input[data-test="goods-search"]').element.value).toBe('lamp');
    expect(w.get('[data-test="goods-pager"] .is-active').text()).toBe('2');
    w.unmount();
  });

  it('puts each filter in the URL, and Back returns to the one before', async () => {
    catalogue(45);
    const { w, router } = await render('/');
    expect(lastAsked()).toEqual({ status: undefined, q: undefined, page: 1, pageSize: 20 });

    await w.get('[data-test="tab-active"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/?tab=active');

    await w.get('input[data-test="goods-search"]').setValue('  lamp ');
    await w.get('form[role="search"]').trigger('submit');
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ tab: 'active', q: 'lamp' });

    await w.get('[data-test="goods-pager"] li.number:nth-child(3)').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ tab: 'active', q: 'lamp', page: '3' });
    expect(lastAsked()).toEqual({ status: ['active'], q: 'lamp', page: 3, pageSize: 20 });

    router.back();
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ tab: 'active', q: 'lamp' });
    expect(lastAsked()).toEqual({ status: ['active'], q: 'lamp', page: 1, pageSize: 20 });
    router.back();
    await flushPromises();
    expect(lastAsked()).toEqual({ status: ['active'], q: undefined, page: 1, pageSize: 20 });
    expect(w.get<HTMLInputElement>('input[data-test="goods-search"]').element.value).toBe('');
    w.unmount();
  });

  it('says a search matched nothing, and offers every sale', async () => {
    catalogue(0);
    const { w, router } = await render('/?q=teapot');
    expect(w.get('[data-test="goods-empty"]').text()).toContain('No sale matches “teapot”.');
    expect(w.text()).not.toContain('No flash sales right now');

    await w.get('[data-test="goods-show-all"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/');
    expect(w.get('[data-test="goods-empty"]').text()).toContain('No flash sales right now');
    expect(w.find('[data-test="goods-show-all"]').exists()).toBe(false);

    setLocale('zh-CN');
    await router.push('/?tab=ended');
    await flushPromises();
    expect(w.get('[data-test="goods-empty"]').text()).toContain('“已结束”下暂无秒杀活动。');
    setLocale('en');
    w.unmount();
  });

  it('goes to the last page when the link points past it', async () => {
    catalogue(25);
    const { w, router } = await render('/?page=7');
    expect(router.currentRoute.value.query).toEqual({ page: '2' });
    expect(lastAsked()).toMatchObject({ page: 2 });
    w.unmount();
  });
});
