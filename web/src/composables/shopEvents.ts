import type { EventTicketResponse, ShopEvent, ShopEventType } from '@seckill/contracts';
import { shallowRef, type ShallowRef } from 'vue';
import { backoffDelay, type Backoff } from './pollResult';

/** The part of EventSource the client uses, so tests can hand in a fake. */
export interface EventStream {
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  onerror: ((event: Event) => void) | null;
  close(): void;
}

export type ShopEventOf<T extends ShopEventType> = Extract<ShopEvent, { type: T }>;
export type ShopEventHandler<T extends ShopEventType> = (event: ShopEventOf<T>) => void;

export interface ShopEventsDeps {
  fetchTicket(): Promise<EventTicketResponse>;
  /** Opens the stream for a ticket and the sales to watch (new EventSource(url) in the app). */
  open(ticket: string, goods: readonly number[]): EventStream;
  /** Each hello with when its stream was opened and when the hello came (to sync the clock). */
  onHello?: (serverTime: string, openedAt: number, receivedAt: number) => void;
  /** Waits between failed attempts to (re)connect. */
  backoff?: Backoff;
  /** 0..1, spreads the reconnects of many tabs after a server restart. */
  random?: () => number;
  now?: () => number;
}

export interface ShopEvents {
  /** True from a stream's hello until it fails or is stopped: pushed events can be relied on. */
  readonly connected: ShallowRef<boolean>;
  /** Connects (again and again, backing off) until stop(); for a logged-in user. */
  start(): void;
  /** Closes the stream and stops reconnecting (logging out). */
  stop(): void;
  subscribe<T extends ShopEventType>(type: T, handler: ShopEventHandler<T>): () => void;
  /** Told each time `connected` changes. */
  onConnection(listener: (connected: boolean) => void): () => void;
  /** Asks for a sale's stock (and waiting-room) events while the returned release is not called. */
  watchGoods(goodsId: number): () => void;
}

export const EVENT_TYPES = [
  'hello',
  'result',
  'order',
  'stock',
  'queue',
] as const satisfies ShopEventType[];
export const RECONNECT_BACKOFF: Required<Backoff> = {
  firstDelayMs: 1000,
  factor: 2,
  maxDelayMs: 30_000,
};

/**
 * One event stream for the app. A ticket is good for one connection only, so a failed stream is
 * closed and a new ticket fetched after a backoff, never left to EventSource's own retry. When a
 * newly watched sale needs a new stream, the old one keeps delivering until the new one says hello.
 */
export function createShopEvents(deps: ShopEventsDeps): ShopEvents {
  const connected = shallowRef(false);
  const handlers = new Map<ShopEventType, Set<(event: ShopEvent) => void>>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  const watched = new Map<number, number>();
  const now = deps.now ?? (() => Date.now());
  const random = deps.random ?? Math.random;
  const backoff = { ...RECONNECT_BACKOFF, ...deps.backoff };

  let running = false;
  /** Bumped by stop(): whatever an older run was waiting for is dropped. */
  let run = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let connecting = false;
  let failures = 0;
  /** The stream that said hello, and the sales it carries. */
  let live: { stream: EventStream; goods: ReadonlySet<number> } | null = null;
  /** A stream opened to replace it (or the first one), waiting for its hello. */
  let pending: { stream: EventStream; goods: ReadonlySet<number> } | null = null;

  function setConnected(value: boolean) {
    if (connected.value === value) return;
    connected.value = value;
    for (const listener of [...connectionListeners]) listener(value);
  }

  function dispatch(event: ShopEvent) {
    for (const handler of [...(handlers.get(event.type) ?? [])]) handler(event);
  }

  /** The live stream (or the one on its way) carries every watched sale. */
  function covers(): boolean {
    const goods = pending?.goods ?? live?.goods;
    if (!goods) return false;
    for (const id of watched.keys()) if (!goods.has(id)) return false;
    return true;
  }

  function schedule(delayMs: number) {
    if (!running || timer !== undefined || connecting) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delayMs);
  }

  function retryLater() {
    const delay = backoffDelay(failures++, backoff);
    schedule(Math.round(delay * (0.75 + random() * 0.5)));
  }

  async function connect() {
    const mine = run;
    connecting = true;
    let ticket: string;
    try {
      ticket = (await deps.fetchTicket()).ticket;
    } catch {
      if (mine !== run) return;
      connecting = false;
      retryLater();
      return;
    }
    if (mine !== run) return;
    connecting = false;
    const goods = [...watched.keys()].sort((a, b) => a - b);
    const openedAt = now();
    const stream = deps.open(ticket, goods);
    const entry = { stream, goods: new Set(goods) };
    pending?.stream.close();
    pending = entry;

    for (const type of EVENT_TYPES) {
      stream.addEventListener(type, (message) => {
        if (mine !== run) return;
        const event = parse(type, message.data);
        if (!event) return;
        if (event.type === 'hello') {
          if (pending !== entry) return;
          if (live && live !== entry) live.stream.close();
          live = entry;
          pending = null;
          failures = 0;
          setConnected(true);
          deps.onHello?.(event.serverTime, openedAt, now());
          dispatch(event);
          // Sales watched since this stream was opened need one more.
          if (!covers()) schedule(0);
          return;
        }
        if (live === entry) dispatch(event);
      });
    }
    stream.onerror = () => {
      if (mine !== run) return;
      stream.close();
      if (pending === entry) pending = null;
      if (live === entry) {
        live = null;
        setConnected(false);
      }
      if (!pending) retryLater();
    };
  }

  return {
    connected,
    start() {
      if (running) return;
      running = true;
      failures = 0;
      schedule(0);
    },
    stop() {
      running = false;
      run++;
      clearTimeout(timer);
      timer = undefined;
      connecting = false;
      pending?.stream.close();
      live?.stream.close();
      pending = null;
      live = null;
      setConnected(false);
    },
    subscribe(type, handler) {
      let set = handlers.get(type);
      if (!set) handlers.set(type, (set = new Set()));
      const h = handler as (event: ShopEvent) => void;
      set.add(h);
      return () => void set.delete(h);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => void connectionListeners.delete(listener);
    },
    watchGoods(goodsId) {
      watched.set(goodsId, (watched.get(goodsId) ?? 0) + 1);
      if ((live || pending) && !covers()) schedule(0);
      let released = false;
      // A stream that carries a sale no longer watched is left as it is: extra stock events are
      // ignored, and a reconnect costs more than they do.
      return () => {
        if (released) return;
        released = true;
        const n = (watched.get(goodsId) ?? 1) - 1;
        if (n > 0) watched.set(goodsId, n);
        else watched.delete(goodsId);
      };
    },
  };
}

function parse(type: ShopEventType, data: string): ShopEvent | null {
  try {
    const body = JSON.parse(data) as Record<string, unknown>;
    if (typeof body !== 'object' || body === null) return null;
    return { ...body, type } as ShopEvent;
  } catch {
    return null;
  }
}
