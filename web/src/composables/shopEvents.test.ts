import type { EventTicketResponse, ShopEvent } from '@seckill/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/api/errors';
import { createShopEvents, type EventStream, type ShopEventsDeps } from './shopEvents';

/** A stand-in for EventSource: the test says what the server sends and when it fails. */
class FakeStream implements EventStream {
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private listeners = new Map<string, Array<(e: MessageEvent<string>) => void>>();

  constructor(
    readonly ticket: string,
    readonly goods: readonly number[],
  ) {}

  addEventListener(type: string, listener: (e: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close() {
    this.closed = true;
  }

  send(event: ShopEvent) {
    if (this.closed) return;
    const { type, ...data } = event;
    const message = new MessageEvent<string>(type, { data: JSON.stringify(data) });
    for (const l of this.listeners.get(type) ?? []) l(message);
  }

  hello(serverTime = '2026-11-24T12:00:00.000Z') {
    this.send({ type: 'hello', serverTime });
  }

  fail() {
    if (!this.closed) this.onerror?.(new Event('error'));
  }
}

function setup(overrides: Partial<ShopEventsDeps> = {}) {
  let n = 0;
  const streams: FakeStream[] = [];
  const deps = {
    fetchTicket: vi.fn(async (): Promise<EventTicketResponse> => ({
      ticket: `t${++n}`,
      expiresInMs: 30_000,
    })),
    open: vi.fn((ticket: string, goods: readonly number[]) => {
      const s = new FakeStream(ticket, goods);
      streams.push(s);
      return s;
    }),
    onHello: vi.fn(),
    random: () => 0.5,
    ...overrides,
  };
  const events = createShopEvents(deps);
  const last = () => streams.at(-1)!;
  return { events, deps, streams, last };
}

describe('shop events', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('connects with a fresh ticket and counts as connected from the hello', async () => {
    const { events, deps, last } = setup();
    const seen: boolean[] = [];
    events.onConnection((c) => seen.push(c));
    events.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(deps.fetchTicket).toHaveBeenCalledTimes(1);
    expect(deps.open).toHaveBeenCalledWith('t1', []);
    expect(events.connected.value).toBe(false);
    last().hello();
    expect(events.connected.value).toBe(true);
    expect(seen).toEqual([true]);
    expect(deps.onHello).toHaveBeenCalledWith(
      '2026-11-24T12:00:00.000Z',
      expect.any(Number),
      expect.any(Number),
    );
  });

  it('hands each named event to its subscribers until they unsubscribe', async () => {
    const { events, last } = setup();
    const results = vi.fn();
    const hellos = vi.fn();
    const off = events.subscribe('result', results);
    events.subscribe('hello', hellos);
    events.start();
    await vi.advanceTimersByTimeAsync(0);
    last().hello();
    last().send({ type: 'result', goodsId: 3, status: 'success', orderId: '77' });
    last().send({ type: 'order', orderId: '77', goodsId: 3, status: 'paid' });
    expect(hellos).toHaveBeenCalledTimes(1);
    expect(results).toHaveBeenCalledWith({
      type: 'result',
      goodsId: 3,
      status: 'success',
      orderId: '77',
    });
    off();
    last().send({ type: 'result', goodsId: 3, status: 'sold_out' });
    expect(results).toHaveBeenCalledTimes(1);
  });

  it('ignores data that is not JSON', async () => {
    const { events, last } = setup();
    const stock = vi.fn();
    events.subscribe('stock', stock);
    events.start();
    await vi.advanceTimersByTimeAsync(0);
    last().hello();
    const bad = new MessageEvent<string>('stock', { data: '{oops' });
    (last() as unknown as { listeners: Map<string, Array<(e: MessageEvent) => void>> }).listeners
      .get('stock')!
      .forEach((l) => l(bad));
    expect(stock).not.toHaveBeenCalled();
  });

  it('on a failure closes the stream, then reconnects with a new ticket, backing off', async () => {
    const { events, deps, streams, last } = setup();
    events.start();
    await vi.advanceTimersByTimeAsync(0);
    last().hello();
    const first = last();
    first.fail();
    expect(first.closed).toBe(true);
    expect(events.connected.value).toBe(false);

    // 1 s, then 2 s, then 4 s (random 0.5 means no jitter).
    await vi.advanceTimersByTimeAsync(999);
    expect(deps.fetchTicket).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(deps.open).toHaveBeenLastCalledWith('t2', []);
    last().fail();
    await vi.advanceTimersByTimeAsync(1999);
    expect(streams).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(streams).toHaveLength(3);
    last().fail();
    await vi.advanceTimersByTimeAsync(4000);
    expect(streams).toHaveLength(4);

    // A hello resets the backoff.
    last().hello();
    expect(events.connected.value).toBe(true);
    last().fail();
    await vi.advanceTimersByTimeAsync(1000);
    expect(streams).toHaveLength(5);
    expect(new Set(streams.map((s) => s.ticket)).size).toBe(5);
  });

  it('keeps trying when the ticket cannot be had', async () => {
    const fetchTicket = vi
      .fn<() => Promise<EventTicketResponse>>()
      .mockRejectedValueOnce(new ApiError('RETRY', 'busy', 503))
      .mockRejectedValueOnce(new ApiError('NETWORK', 'offline', 0))
      .mockResolvedValue({ ticket: 'ok', expiresInMs: 30_000 });
    const { events, deps } = setup({ fetchTicket });
    events.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(deps.open).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetchTicket).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(deps.open).toHaveBeenCalledWith('ok', []);
  });

  it('stops for good on stop(): the stream closes and nothing reconnects', async () => {
    const { events, deps, last } = setup();
    const hellos = vi.fn();
    events.subscribe('hello', hellos);
    events.start();
    await vi.advanceTimersByTimeAsync(0);
    last().hello();
    events.stop();
    expect(last().closed).toBe(true);
    expect(events.connected.value).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(deps.fetchTicket).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drops a ticket that arrives after stop()', async () => {
    let give!: (t: EventTicketResponse) => void;
    const fetchTicket = vi.fn(
      () => new Promise<EventTicketResponse>((resolve) => (give = resolve)),
    );
    const { events, deps } = setup({ fetchTicket });
    events.start();
    await vi.advanceTimersByTimeAsync(0);
    events.stop();
    give({ ticket: 'late', expiresInMs: 30_000 });
    await vi.advanceTimersByTimeAsync(0);
    expect(deps.open).not.toHaveBeenCalled();
  });

  it('opens with the watched sales, and for a newly watched one keeps the old stream until the new says hello', async () => {
    const { events, streams, last } = setup();
    const stock = vi.fn();
    events.subscribe('stock', stock);
    const releaseFirst = events.watchGoods(4);
    events.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(last().goods).toEqual([4]);
    last().hello();
    const old = last();

    const connection = vi.fn();
    events.onConnection(connection);
    events.watchGoods(9);
    await vi.advanceTimersByTimeAsync(0);
    expect(streams).toHaveLength(2);
    expect(last().goods).toEqual([4, 9]);
    // Still connected through the old stream meanwhile.
    expect(old.closed).toBe(false);
    old.send({ type: 'stock', goodsId: 4, stockLeft: 3 });
    expect(stock).toHaveBeenCalledTimes(1);
    last().hello();
    expect(old.closed).toBe(true);
    expect(connection).not.toHaveBeenCalled();
    expect(events.connected.value).toBe(true);

    // No longer watching a sale does not reconnect; watching it again within the set neither.
    releaseFirst();
    events.watchGoods(4);
    await vi.advanceTimersByTimeAsync(0);
    expect(streams).toHaveLength(2);
  });

  it('counts watchers: a sale stays watched until every one of them lets go', async () => {
    const { events, streams, last } = setup();
    const a = events.watchGoods(5);
    const b = events.watchGoods(5);
    a();
    a();
    events.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(last().goods).toEqual([5]);
    last().hello();
    events.watchGoods(6);
    await vi.advanceTimersByTimeAsync(0);
    expect(streams).toHaveLength(2);
    expect(last().goods).toEqual([5, 6]);
    last().hello();
    b();
    events.watchGoods(7);
    await vi.advanceTimersByTimeAsync(0);
    expect(last().goods).toEqual([6, 7]);
  });

  it('keeps the old stream when the replacement fails, and tries the replacement again', async () => {
    const { events, streams, last } = setup();
    events.start();
    await vi.advanceTimersByTimeAsync(0);
    last().hello();
    const old = last();
    events.watchGoods(2);
    await vi.advanceTimersByTimeAsync(0);
    last().fail();
    expect(events.connected.value).toBe(true);
    expect(old.closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(streams).toHaveLength(3);
    expect(last().goods).toEqual([2]);
  });
});
