import type { QueueStatus, ShopEvent } from '@seckill/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick, shallowRef } from 'vue';
import { ApiError } from '@/api/errors';
import { createShopEvents, type EventStream } from './shopEvents';
import {
  etaText,
  roomView,
  useWaitingRoom,
  type RoomWindow,
  type WaitingRoomApi,
} from './waitingRoom';

const GOODS = 9;
const T0 = Date.parse('2026-12-02T12:00:00Z');
/** The room opens at T0, the sale starts ten minutes later and runs an hour. */
const WINDOW: RoomWindow = { opensAt: T0, startAt: T0 + 600_000, endAt: T0 + 4_200_000 };

const waiting = (position: number | null, etaSeconds: number | null = 30): QueueStatus => ({
  status: 'waiting',
  position,
  etaSeconds,
});
const none: QueueStatus = { status: 'none', position: null, etaSeconds: null };
const admitted = (until: number): QueueStatus => ({
  status: 'admitted',
  position: null,
  etaSeconds: 0,
  admittedUntil: new Date(until).toISOString(),
});

describe('roomView', () => {
  const at = (
    status: QueueStatus | null,
    now: number,
    more: { soldOut?: boolean; failed?: boolean } = {},
  ) => roomView({ status, now, window: WINDOW, soldOut: false, failed: false, ...more });

  it('counts down to the room before it opens, and is over after the sale', () => {
    expect(at(null, T0 - 1)).toBe('opens');
    expect(at(waiting(null), T0 - 1)).toBe('opens');
    expect(at(waiting(3), WINDOW.endAt)).toBe('ended');
  });

  it('turns each state the server gives into its view', () => {
    const live = WINDOW.startAt + 1000;
    expect(at(null, T0)).toBe('loading');
    expect(at(null, T0, { failed: true })).toBe('error');
    expect(at(none, T0)).toBe('join');
    expect(at(waiting(null, 600), T0)).toBe('drawing');
    expect(at(waiting(42), live)).toBe('waiting');
    expect(at(admitted(live + 60_000), live)).toBe('admitted');
    expect(at({ status: 'admitted', position: null, etaSeconds: 0 }, live)).toBe('admitted');
    expect(at({ status: 'sold_out', position: null, etaSeconds: null }, live)).toBe('sold_out');
  });

  it('sends a shopper whose admission ran out back to join', () => {
    const live = WINDOW.startAt + 1000;
    expect(at(admitted(live), live)).toBe('join');
    expect(at(admitted(live + 1), live)).toBe('admitted');
  });

  it('shows sold out once the sale runs with no stock, whatever the place', () => {
    const live = WINDOW.startAt + 1000;
    expect(at(waiting(5), live, { soldOut: true })).toBe('sold_out');
    expect(at(none, live, { soldOut: true })).toBe('sold_out');
    // Before the start a sale without stock has not sold out yet: its room still fills.
    expect(at(none, T0, { soldOut: true })).toBe('join');
  });
});

describe('etaText', () => {
  it('says seconds under a minute, minutes (rounded up) under an hour, then hours', () => {
    expect(etaText(null)).toEqual({ key: 'room.eta.unknown', params: {} });
    expect(etaText(-1).key).toBe('room.eta.unknown');
    expect(etaText(0).key).toBe('room.eta.soon');
    expect(etaText(5).key).toBe('room.eta.soon');
    expect(etaText(5.2)).toEqual({ key: 'room.eta.seconds', params: { n: 6 } });
    expect(etaText(59)).toEqual({ key: 'room.eta.seconds', params: { n: 59 } });
    expect(etaText(60)).toEqual({ key: 'room.eta.minutes', params: { n: 1 } });
    expect(etaText(61)).toEqual({ key: 'room.eta.minutes', params: { n: 2 } });
    expect(etaText(3540)).toEqual({ key: 'room.eta.minutes', params: { n: 59 } });
    expect(etaText(3599)).toEqual({ key: 'room.eta.hours', params: { h: 1, m: 0 } });
    expect(etaText(3600)).toEqual({ key: 'room.eta.hours', params: { h: 1, m: 0 } });
    expect(etaText(3601)).toEqual({ key: 'room.eta.hours', params: { h: 1, m: 1 } });
  });
});

/** A stream the test drives: what the server pushes, and when the connection breaks. */
function fakeStream() {
  const listeners = new Map<string, (e: MessageEvent<string>) => void>();
  const stream: EventStream = {
    onerror: null,
    addEventListener: (type, l) => listeners.set(type, l),
    close() {},
  };
  return {
    stream,
    send({ type, ...data }: ShopEvent) {
      listeners.get(type)?.(new MessageEvent(type, { data: JSON.stringify(data) }));
    },
    fail: () => stream.onerror?.(new Event('error')),
  };
}

/** `status`: what the server answers until the test changes `server.status`. */
function setup(
  opts: { now?: number; soldOut?: boolean; status?: QueueStatus; failFirst?: boolean } = {},
) {
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
  const server = { status: opts.status ?? none };
  const api = {
    join: vi.fn<WaitingRoomApi['join']>(async () => server.status),
    fetch: vi.fn<WaitingRoomApi['fetch']>(async () => server.status),
  };
  if (opts.failFirst) api.fetch.mockRejectedValueOnce(new ApiError('NETWORK', 'down', 0));
  const now = shallowRef(opts.now ?? T0 + 1000);
  const soldOut = shallowRef(opts.soldOut ?? false);
  const scope = effectScope();
  const room = scope.run(() =>
    useWaitingRoom({
      goodsId: GOODS,
      window: () => WINDOW,
      soldOut: () => soldOut.value,
      api,
      events,
      now: () => now.value,
    }),
  )!;
  async function connect() {
    events.start();
    await vi.advanceTimersByTimeAsync(0);
    streams.at(-1)!.send({ type: 'hello', serverTime: new Date(now.value).toISOString() });
    await vi.advanceTimersByTimeAsync(0);
  }
  const push = (status: QueueStatus, goodsId = GOODS) =>
    streams.at(-1)!.send({ type: 'queue', goodsId, ...status });
  return {
    events,
    api,
    server,
    now,
    soldOut,
    scope,
    room,
    connect,
    push,
    last: () => streams.at(-1)!,
  };
}

describe('useWaitingRoom', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads nothing before the room opens, then the place once it does', async () => {
    const { api, now, room, scope } = setup({ now: T0 - 5000 });
    expect(room.view.value).toBe('opens');
    expect(room.opensInMs.value).toBe(5000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(api.fetch).not.toHaveBeenCalled();

    now.value = T0;
    expect(room.view.value).toBe('loading');
    await vi.advanceTimersByTimeAsync(0);
    expect(api.fetch).toHaveBeenCalledTimes(1);
    expect(room.view.value).toBe('join');
    // Not in the room: nothing moves by itself, nothing is polled.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(api.fetch).toHaveBeenCalledTimes(1);
    scope.stop();
  });

  it('joins with one click, even clicked twice, and shows the undrawn place before the start', async () => {
    const { api, server, room, scope } = setup();
    await vi.advanceTimersByTimeAsync(0);
    server.status = waiting(null, 599);
    const first = room.join();
    void room.join();
    expect(room.joining.value).toBe(true);
    await first;
    expect(api.join).toHaveBeenCalledTimes(1);
    expect(api.join).toHaveBeenCalledWith(GOODS);
    expect(room.joining.value).toBe(false);
    expect(room.view.value).toBe('drawing');
    expect(room.startsInMs.value).toBe(599_000);
    scope.stop();
  });

  it('keeps the server’s words when joining is refused', async () => {
    const { api, room, scope } = setup();
    await vi.advanceTimersByTimeAsync(0);
    api.join.mockRejectedValueOnce(new ApiError('ENDED', 'The sale has ended.', 403));
    await room.join();
    expect(room.notice.value).toEqual({ code: 'ENDED', message: 'The sale has ended.' });
    expect(room.view.value).toBe('join');
    scope.stop();
  });

  it('follows the pushed place while the stream is up, and polls only while it is down', async () => {
    const { api, server, now, room, scope, connect, push, last } = setup({ status: waiting(null) });
    await vi.advanceTimersByTimeAsync(0);
    expect(room.view.value).toBe('drawing');
    // No stream yet: the fallback reads the place every 2.5 s.
    expect(room.polling.value).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(api.fetch).toHaveBeenCalledTimes(3);

    await connect();
    expect(room.polling.value).toBe(false);
    // The hello is read once (what moved while no stream was open), then nothing is polled.
    expect(api.fetch).toHaveBeenCalledTimes(4);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(api.fetch).toHaveBeenCalledTimes(4);

    // The start: the draw gives a place, pushed without a reload.
    now.value = WINDOW.startAt + 500;
    push(waiting(120, 1));
    expect(room.view.value).toBe('waiting');
    expect(room.status.value).toEqual(waiting(120, 1));
    push(waiting(1, 0), GOODS + 1); // another sale's room: not this one
    expect(room.status.value?.position).toBe(120);
    const until = now.value + 120_000;
    push(admitted(until));
    expect(room.view.value).toBe('admitted');
    expect(room.admittedLeftMs.value).toBe(120_000);
    now.value += 30_000;
    expect(room.admittedLeftMs.value).toBe(90_000);

    // The stream breaks: polling takes over until a new stream says hello.
    last().fail();
    await nextTick();
    expect(room.polling.value).toBe(true);
    server.status = admitted(until);
    await vi.advanceTimersByTimeAsync(2500);
    expect(api.fetch).toHaveBeenCalledTimes(5);
    scope.stop();
  });

  it('drops a read that an event overtook', async () => {
    const { api, server, room, scope, connect, push } = setup();
    await vi.advanceTimersByTimeAsync(0);
    await connect();
    let answer: (s: QueueStatus) => void = () => {};
    api.fetch.mockImplementationOnce(() => new Promise((r) => (answer = r)));
    const read = room.refresh();
    push(waiting(3));
    answer(waiting(50));
    await read;
    expect(room.status.value?.position).toBe(3);
    server.status = waiting(2);
    await room.refresh();
    expect(room.status.value?.position).toBe(2);
    scope.stop();
  });

  it('lets an admission lapse on the clock: back to join, told why, the place read again', async () => {
    const live = WINDOW.startAt + 1000;
    const { api, server, now, room, scope, connect } = setup({
      now: live,
      status: admitted(live + 10_000),
    });
    await vi.advanceTimersByTimeAsync(0);
    await connect();
    expect(room.view.value).toBe('admitted');
    const reads = api.fetch.mock.calls.length;

    server.status = none;
    now.value = live + 10_000;
    await nextTick();
    expect(room.view.value).toBe('join');
    expect(room.notice.value?.code).toBe('LAPSED');
    await vi.advanceTimersByTimeAsync(0);
    expect(api.fetch).toHaveBeenCalledTimes(reads + 1);

    // Joining again clears the notice; the new place is at the back.
    server.status = waiting(80);
    await room.join();
    expect(room.notice.value).toBeNull();
    expect(room.view.value).toBe('waiting');
    scope.stop();
  });

  it('goes back to the room when the path call says NOT_ADMITTED, with its message', async () => {
    const live = WINDOW.startAt + 1000;
    const { api, server, room, scope } = setup({ now: live, status: admitted(live + 60_000) });
    await vi.advanceTimersByTimeAsync(0);
    expect(room.view.value).toBe('admitted');
    server.status = none;
    room.notAdmitted({ code: 'NOT_ADMITTED', message: 'Please wait for your turn.' });
    await nextTick();
    expect(room.view.value).toBe('join');
    expect(room.notice.value).toEqual({
      code: 'NOT_ADMITTED',
      message: 'Please wait for your turn.',
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(api.fetch).toHaveBeenCalledTimes(2);
    scope.stop();
  });

  it('shows an error it retries, and sold out when the stock is gone', async () => {
    const live = WINDOW.startAt + 1000;
    const { server, soldOut, room, scope } = setup({ now: live, failFirst: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(room.view.value).toBe('error');
    server.status = waiting(4);
    await vi.advanceTimersByTimeAsync(2500);
    expect(room.view.value).toBe('waiting');
    soldOut.value = true;
    expect(room.view.value).toBe('sold_out');
    scope.stop();
  });

  it('stops every timer and listener with its scope', async () => {
    const { api, room, scope, events } = setup({ status: waiting(null) });
    await vi.advanceTimersByTimeAsync(0);
    expect(room.polling.value).toBe(true);
    scope.stop();
    events.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(api.fetch).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
