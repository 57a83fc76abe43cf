import type { LiveResponse } from '@seckill/contracts';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { fetchLive } from '@/api/admin';
import { ApiError } from '@/api/errors';
import { i18n, setLocale } from '@/i18n';
import LivePanel from './LivePanel.vue';

vi.mock('@/api/admin', () => ({ fetchLive: vi.fn() }));
// Canvas charts do not draw in happy-dom; the stub shows what the panel hands them.
vi.mock('./LiveCharts.vue', () => ({
  __esModule: true,
  default: defineComponent({
    props: { view: { type: Object, required: true }, withOrders: Boolean },
    setup: (props) => () =>
      h('div', {
        'data-test': 'charts-stub',
        'data-window': String((props.view as { windowSeconds: number }).windowSeconds),
        'data-with-orders': String(props.withOrders),
      }),
  }),
}));

const NOW = Date.parse('2026-12-02T12:00:10.500Z');

function live(windowSeconds: number, perSecond: number): LiveResponse {
  const start = Math.floor(NOW / 1000) * 1000 - (windowSeconds - 1) * 1000;
  return {
    serverTime: new Date(NOW).toISOString(),
    windowSeconds,
    seconds: Array.from({ length: windowSeconds }, (_, i) => ({
      t: start + i * 1000,
      accepted: perSecond,
      committed: perSecond / 2,
      soldOut: 0,
      p50Ms: perSecond ? 3 : null,
      p99Ms: perSecond ? 12 : null,
      queueDepth: 0,
      deadLetters: 0,
    })),
    instances: [
      {
        id: 'api-2',
        kind: 'api',
        pid: 11,
        metricsPort: 9101,
        lastSeen: new Date(NOW).toISOString(),
      },
      {
        id: 'consumer-1',
        kind: 'consumer',
        pid: 12,
        metricsPort: null,
        lastSeen: new Date(NOW).toISOString(),
      },
    ],
    stock: [{ goodsId: 1, name: 'Phone', stockTotal: 100, stockLeft: 40 }],
  };
}

const render = () => mount(LivePanel, { global: { plugins: [i18n] } });
const text = (w: ReturnType<typeof render>, test: string) => w.get(`[data-test="${test}"]`).text();

describe('LivePanel', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    setLocale('en');
    vi.mocked(fetchLive).mockReset();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows loading, then the headline figures, the instances and the charts', async () => {
    vi.mocked(fetchLive).mockResolvedValue(live(300, 40));
    const w = render();
    expect(w.find('[data-test="live-loading"]').exists()).toBe(true);
    await flushPromises();
    expect(fetchLive).toHaveBeenCalledExactlyOnceWith(300);
    expect(text(w, 'live-accepted-rate')).toContain('40/s');
    expect(text(w, 'live-committed-rate')).toContain('20/s');
    expect(text(w, 'live-accepted-total')).toContain('12,000');
    expect(text(w, 'live-instances')).toContain('2');
    const instances = w.findAll('[data-test="live-instance"]').map((i) => i.text());
    expect(instances[0]).toMatch(/API\s*api-2\s*metrics :9101/);
    expect(instances[1]).toMatch(/Consumer\s*consumer-1\s*no metrics port/);
    const charts = w.get('[data-test="charts-stub"]');
    expect(charts.attributes('data-window')).toBe('300');
    expect(charts.attributes('data-with-orders')).toBe('true');
    expect(w.find('[data-test="live-empty"]').exists()).toBe(false);
  });

  it('says so when no order was answered in the window', async () => {
    vi.mocked(fetchLive).mockResolvedValue(live(300, 0));
    const w = render();
    await flushPromises();
    expect(text(w, 'live-empty')).toContain('No orders in this window yet.');
    expect(w.get('[data-test="charts-stub"]').attributes('data-with-orders')).toBe('false');
  });

  it('polls every 2 s with one request for the whole deployment', async () => {
    vi.mocked(fetchLive).mockResolvedValue(live(300, 1));
    render();
    await flushPromises();
    expect(fetchLive).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(fetchLive).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchLive).toHaveBeenCalledTimes(2);
  });

  it('asks for the chosen window, again if it was changed while a request was out', async () => {
    let release!: (r: LiveResponse) => void;
    vi.mocked(fetchLive)
      .mockImplementationOnce(() => new Promise((resolve) => (release = resolve)))
      .mockImplementation(async (windowSeconds) => live(windowSeconds, 2));
    const w = render();
    await w.get('[data-test="live-window-60"] input').setValue(true);
    release(live(300, 9));
    await flushPromises();
    expect(vi.mocked(fetchLive).mock.calls.map((c) => c[0])).toEqual([300, 60]);
    expect(w.get('[data-test="charts-stub"]').attributes('data-window')).toBe('60');
    expect(text(w, 'live-accepted-total')).toContain('120');
  });

  it('shows the error state without numbers, and the figures once a retry works', async () => {
    vi.mocked(fetchLive).mockRejectedValueOnce(new ApiError('NETWORK', 'down', 0));
    const w = render();
    await flushPromises();
    expect(text(w, 'error-state')).toContain('Could not load the live view.');
    expect(w.find('[data-test="live-figures"]').exists()).toBe(false);
    expect(w.find('[data-test="charts-stub"]').exists()).toBe(false);
    vi.mocked(fetchLive).mockResolvedValue(live(60, 5));
    await w.get('[data-test="retry"]').trigger('click');
    await flushPromises();
    expect(w.find('[data-test="error-state"]').exists()).toBe(false);
    expect(text(w, 'live-accepted-rate')).toContain('5/s');
  });

  it('keeps the last real figures marked as stale when a refresh fails', async () => {
    vi.mocked(fetchLive).mockResolvedValueOnce(live(300, 3));
    const w = render();
    await flushPromises();
    vi.mocked(fetchLive).mockRejectedValue(new ApiError('RETRY', 'busy', 503));
    await vi.advanceTimersByTimeAsync(2000);
    expect(text(w, 'live-stale')).toContain('could not be refreshed');
    expect(text(w, 'live-accepted-rate')).toContain('3/s');
  });

  it('reports a 403 and stops asking', async () => {
    vi.mocked(fetchLive).mockRejectedValue(new ApiError('FORBIDDEN', 'no', 403));
    const w = render();
    await flushPromises();
    expect(w.emitted('forbidden')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetchLive).toHaveBeenCalledTimes(1);
  });
});
