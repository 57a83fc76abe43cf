import type { QueueStatus } from '@seckill/contracts';
import {
  computed,
  onScopeDispose,
  shallowRef,
  watch,
  type ComputedRef,
  type ShallowRef,
} from 'vue';
import { toApiError, type AnyErrorCode } from '@/api/errors';
import type { ShopEvents } from './shopEvents';
import { usePolling } from './usePolling';

/**
 * What the buy area shows for a sale with a waiting room:
 * opens (counting down to the room) → join → drawing (in before the start, order not drawn) →
 * waiting (a place in line) → admitted (captcha and buy button) → join again once it lapses;
 * sold_out while nothing is left, ended after the sale; loading and error while the place is read.
 */
export type RoomView =
  | 'opens'
  | 'loading'
  | 'error'
  | 'join'
  | 'drawing'
  | 'waiting'
  | 'admitted'
  | 'sold_out'
  | 'ended';

/** The room's times, epoch ms on the server's clock. */
export interface RoomWindow {
  opensAt: number;
  startAt: number;
  endAt: number;
}

/** Why the room view says more than its state: an API code, or the room's own LAPSED. */
export interface RoomNotice {
  code: AnyErrorCode | 'LAPSED';
  /** The server's own words, shown when the code has no translation. */
  message: string;
}

const LAPSED: RoomNotice = {
  code: 'LAPSED',
  message: 'Your turn to buy ran out. Join again to get a new place in line.',
};

/** Milliseconds the admission still holds; unbounded when the server gave no deadline. */
export function admissionLeft(status: QueueStatus, now: number): number {
  if (status.status !== 'admitted') return 0;
  if (!status.admittedUntil) return Number.POSITIVE_INFINITY;
  return Math.max(0, Date.parse(status.admittedUntil) - now);
}

export function roomView(input: {
  status: QueueStatus | null;
  now: number;
  window: RoomWindow;
  /** The sale's stock is gone (pending payments count): nobody can be let in to buy. */
  soldOut: boolean;
  /** The last read of the place failed. */
  failed: boolean;
}): RoomView {
  const { status, now, window } = input;
  if (now >= window.endAt) return 'ended';
  if (now < window.opensAt) return 'opens';
  if (input.soldOut && now >= window.startAt) return 'sold_out';
  if (!status) return input.failed ? 'error' : 'loading';
  switch (status.status) {
    case 'admitted':
      return admissionLeft(status, now) > 0 ? 'admitted' : 'join';
    case 'waiting':
      return status.position === null ? 'drawing' : 'waiting';
    case 'sold_out':
      return 'sold_out';
    case 'none':
      return 'join';
  }
}

/** The views whose state the server changes by itself: pushed by the stream, else polled. */
const MOVING: ReadonlySet<RoomView> = new Set([
  'error',
  'drawing',
  'waiting',
  'admitted',
  'sold_out',
]);

export interface EtaText {
  key:
    | 'room.eta.unknown'
    | 'room.eta.soon'
    | 'room.eta.seconds'
    | 'room.eta.minutes'
    | 'room.eta.hours';
  params: { n?: number; h?: number; m?: number };
}

/** An estimate in words: "any moment", seconds under a minute, then whole minutes (rounded up). */
export function etaText(seconds: number | null): EtaText {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) {
    return { key: 'room.eta.unknown', params: {} };
  }
  if (seconds <= 5) return { key: 'room.eta.soon', params: {} };
  if (seconds < 60) return { key: 'room.eta.seconds', params: { n: Math.ceil(seconds) } };
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return { key: 'room.eta.minutes', params: { n: minutes } };
  return { key: 'room.eta.hours', params: { h: Math.floor(minutes / 60), m: minutes % 60 } };
}

export interface WaitingRoomApi {
  join(goodsId: number): Promise<QueueStatus>;
  fetch(goodsId: number, signal?: AbortSignal): Promise<QueueStatus>;
}

export interface WaitingRoomOptions {
  goodsId: number;
  window: () => RoomWindow;
  soldOut: () => boolean;
  api: WaitingRoomApi;
  events: Pick<ShopEvents, 'connected' | 'subscribe'>;
  /** The server's time, reactive (useServerNow in the app). */
  now: () => number;
  /** How often the place is read while the event stream is down. */
  pollMs?: number;
}

export interface WaitingRoom {
  /** The shopper's place as last read or pushed; null until the first answer. */
  status: ShallowRef<QueueStatus | null>;
  view: ComputedRef<RoomView>;
  /** True from the click on "join" until the answer. */
  joining: ShallowRef<boolean>;
  notice: ShallowRef<RoomNotice | null>;
  /** Whether the place is being polled (the stream is down and the room can change). */
  polling: ComputedRef<boolean>;
  /** Milliseconds until the room opens, the sale starts, the admission lapses. */
  opensInMs: ComputedRef<number>;
  startsInMs: ComputedRef<number>;
  admittedLeftMs: ComputedRef<number>;
  join(): Promise<void>;
  refresh(): Promise<void>;
  /** The path call said NOT_ADMITTED: back to the room, with the server's words. */
  notAdmitted(notice: RoomNotice): void;
}

export const ROOM_POLL_MS = 2500;

/**
 * A shopper's place in one sale's waiting room, kept current while the current scope lives:
 * pushed by the event stream's `queue` events, read once on each (re)connect, and polled only
 * while the stream is down. An admission lapses on the server's clock even if nothing is pushed.
 */
export function useWaitingRoom(opts: WaitingRoomOptions): WaitingRoom {
  const { goodsId, api, events } = opts;
  const status = shallowRef<QueueStatus | null>(null);
  const failed = shallowRef(false);
  const joining = shallowRef(false);
  const notice = shallowRef<RoomNotice | null>(null);
  /** Bumped by every change of `status`: a read that began before one is stale when it lands. */
  let version = 0;
  let disposed = false;
  const controller = new AbortController();

  const view = computed(() =>
    roomView({
      status: status.value,
      now: opts.now(),
      window: opts.window(),
      soldOut: opts.soldOut(),
      failed: failed.value,
    }),
  );
  const polling = computed(() => !events.connected.value && MOVING.has(view.value));

  function set(next: QueueStatus) {
    if (disposed) return;
    version++;
    status.value = next;
    failed.value = false;
  }

  async function refresh() {
    const mine = version;
    try {
      const next = await api.fetch(goodsId, controller.signal);
      if (mine === version) set(next);
    } catch (err) {
      if (disposed || toApiError(err).code === 'CANCELED') return;
      failed.value = true;
    }
  }

  async function join() {
    if (joining.value || disposed) return;
    joining.value = true;
    notice.value = null;
    try {
      set(await api.join(goodsId));
    } catch (err) {
      if (disposed) return;
      const error = toApiError(err);
      notice.value = { code: error.code, message: error.message };
    } finally {
      joining.value = false;
    }
  }

  function notAdmitted(n: RoomNotice) {
    set({ status: 'none', position: null, etaSeconds: null });
    notice.value = n;
    void refresh();
  }

  const poller = usePolling(refresh, () => (polling.value ? (opts.pollMs ?? ROOM_POLL_MS) : null));

  const stopWatch = watch(view, (next, previous) => {
    // The room just opened (or the first read failed and is retried by the poller).
    if (next === 'loading') void poller.refresh();
    // The turn ran out, by the clock or as pushed: the server has already given the slot on.
    if (previous === 'admitted' && next === 'join') {
      // A NOT_ADMITTED answer, set just before, says it in the server's words.
      notice.value ??= LAPSED;
      if (status.value?.status === 'admitted') {
        set({ status: 'none', position: null, etaSeconds: null });
        void refresh();
      }
    }
    if (next === 'admitted') notice.value = null;
  });
  if (view.value === 'loading') void poller.refresh();

  const unsubscribe = [
    events.subscribe('queue', (e) => {
      if (e.goodsId !== goodsId) return;
      const next: QueueStatus = {
        status: e.status,
        position: e.position,
        etaSeconds: e.etaSeconds,
      };
      if (e.admittedUntil) next.admittedUntil = e.admittedUntil;
      set(next);
    }),
    // Whatever moved while no stream was open is read once on each (re)connect.
    events.subscribe('hello', () => {
      const v = view.value;
      if (v !== 'opens' && v !== 'ended') void refresh();
    }),
  ];

  const now = () => opts.now();
  const opensInMs = computed(() => Math.max(0, opts.window().opensAt - now()));
  const startsInMs = computed(() => Math.max(0, opts.window().startAt - now()));
  const admittedLeftMs = computed(() => {
    const s = status.value;
    return s ? Math.min(admissionLeft(s, now()), Number.MAX_SAFE_INTEGER) : 0;
  });

  onScopeDispose(() => {
    disposed = true;
    controller.abort();
    stopWatch();
    poller.stop();
    for (const off of unsubscribe) off();
  }, true);

  return {
    status,
    view,
    joining,
    notice,
    polling,
    opensInMs,
    startsInMs,
    admittedLeftMs,
    join,
    refresh,
    notAdmitted,
  };
}
