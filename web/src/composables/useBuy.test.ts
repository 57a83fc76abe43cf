import type { OrderResult, ShopEvent } from '@seckill/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { fetchResult, placeOrder, requestPath } from '@/api/seckill';
import { createShopEvents, type EventStream } from './shopEvents';
import { useBuy } from './useBuy';

vi.mock('@/api/seckill', () => ({
  requestPath: vi.fn(async () => 'p'.repeat(32)),
  placeOrder: vi.fn(async () => ({ status: 'queued' })),
  fetchResult: vi.fn(async (): Promise<OrderResult> => ({ status: 'queued' })),
}));

const GOODS = 7;

/** A stream the test drives: what the server pushes, and when the connection breaks. */
function fakeStream() {
  const listeners = new Map<string, (e: MessageEvent<string>) => void>();
  const stream: EventStream & { closed: boolean } = {
    onerror: null,
    closed: false,
    addEventListener: (type, l) => listeners.set(type, l),
    close() {
      stream.closed = true;
    },
  };
  return {
    stream,
    send({ type, ...data }: ShopEvent) {
      listeners.get(type)?.(new MessageEvent(type, { data: JSON.stringify(data) }));
    },
    fail: () => stream.onerror?.(new Event('error')),
  };
}

function setup() {
  const streams: ReturnType<typeof fakeStream>[] = [];
  const events = createShopEvents({
    fetchTicket: async () => ({ ticket: 't', expiresInMs: 30_000 }),
    open() {
      const s = fakeStream();
      streams.push(s);
      return s.stream;
    },
    random: () => 0.5,
  });
  const scope = effectScope();
  const flow = scope.run(() => useBuy({ goodsId: GOODS, userId: 1, events }))!;
  return { events, flow, scope, last: () => streams.at(-1)! };
}

async function connect(
  events: ReturnType<typeof setup>['events'],
  last: () => ReturnType<typeof fakeStream>,
) {
  events.start();
  await vi.advanceTimersByTimeAsync(0);
  last().send({ type: 'hello', serverTime: new Date().toISOString() });
}

describe('useBuy with the event stream', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.mocked(fetchResult).mockClear();
    vi.mocked(placeOrder).mockClear();
    vi.mocked(requestPath).mockClear();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gets the result by push and asks for it not once while the stream is up', async () => {
    const { events, flow, scope, last } = setup();
    await connect(events, last);
    flow.buy('ab12');
    await vi.advanceTimersByTimeAsync(0);
    expect(flow.state.value.kind).toBe('queued');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(fetchResult).not.toHaveBeenCalled();

    last().send({ type: 'result', goodsId: 99, status: 'sold_out' });
    expect(flow.state.value.kind).toBe('queued');
    last().send({ type: 'result', goodsId: GOODS, status: 'success', orderId: '123' });
    await vi.advanceTimersByTimeAsync(0);
    expect(flow.state.value).toEqual({ kind: 'success', orderId: '123' });
    expect(fetchResult).not.toHaveBeenCalled();
    scope.stop();
  });

  it('takes a result pushed before the order request came back', async () => {
    const { events, flow, scope, last } = setup();
    await connect(events, last);
    vi.mocked(placeOrder).mockImplementationOnce(async () => {
      last().send({ type: 'result', goodsId: GOODS, status: 'success', orderId: '55' });
      return { status: 'queued' };
    });
    flow.buy('ab12');
    await vi.advanceTimersByTimeAsync(0);
    expect(flow.state.value).toEqual({ kind: 'success', orderId: '55' });
    expect(fetchResult).not.toHaveBeenCalled();
    scope.stop();
  });

  it('polls while the stream is down, and stops polling once it is back', async () => {
    const { events, flow, scope, last } = setup();
    await connect(events, last);
    flow.buy('ab12');
    await vi.advanceTimersByTimeAsync(0);
    last().fail();
    await vi.advanceTimersByTimeAsync(400);
    expect(fetchResult).toHaveBeenCalledTimes(1);

    // Reconnected (after 1 s): one re-read at the hello, then nothing more.
    await vi.advanceTimersByTimeAsync(600);
    const calls = vi.mocked(fetchResult).mock.calls.length;
    last().send({ type: 'hello', serverTime: new Date().toISOString() });
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchResult).toHaveBeenCalledTimes(calls + 1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(fetchResult).toHaveBeenCalledTimes(calls + 1);
    last().send({ type: 'result', goodsId: GOODS, status: 'sold_out' });
    await vi.advanceTimersByTimeAsync(0);
    expect(flow.state.value.kind).toBe('sold_out');
    scope.stop();
  });

  it('returns to idle when the order is given back (result none), and shows another tab’s purchase', async () => {
    const { events, flow, scope, last } = setup();
    await connect(events, last);
    last().send({ type: 'result', goodsId: GOODS, status: 'success', orderId: '8' });
    expect(flow.state.value).toEqual({ kind: 'success', orderId: '8' });
    last().send({ type: 'result', goodsId: GOODS, status: 'none' });
    expect(flow.state.value).toEqual({ kind: 'idle' });
    expect(fetchResult).not.toHaveBeenCalled();
    scope.stop();
  });

  it('stops listening when the page is left', async () => {
    const { events, flow, scope, last } = setup();
    await connect(events, last);
    scope.stop();
    last().send({ type: 'result', goodsId: GOODS, status: 'success', orderId: '8' });
    expect(flow.state.value.kind).toBe('idle');
  });
});
