import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { ShopEvent } from '@seckill/contracts';
import {
  publishUserEvents,
  userEventsChannel,
  type RedisClient,
  type StockStore,
  type UserEvent,
} from '@seckill/stock';

export interface PushOptions {
  prefix: string;
  ticketTtlMs: number;
  maxStreams: number;
  maxPerUser: number;
  stockIntervalMs: number;
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs?: number;
  /** Whether the account still exists: asked for every stream's shopper at each heartbeat. */
  accountLive?: (userId: number) => Promise<boolean>;
}

/** Whose a stream is: the shopper and the token its ticket was issued for. */
export interface StreamOwner {
  userId: number;
  /** The token's id: its logout ends the stream. */
  jti: string;
  /** The token's expiry (ms): the stream ends with it. */
  expMs: number;
}

interface Stream extends StreamOwner {
  goods: number[];
  out: Writable;
  /** Not yet told the stock of the sales it watches. */
  fresh: boolean;
  /** What pushes computed elsewhere (the waiting room) last sent it, by their own keys. */
  memo: Map<string, unknown>;
  /** Takes it out of the hub (once); the connection's end calls it too. */
  close: () => void;
}

/** A stream watching a sale, as pushes computed outside the hub see it. */
export interface Watcher {
  userId: number;
  memo: Map<string, unknown>;
  send(e: ShopEvent): void;
}

/** A stream that stopped reading holds at most this much before it is dropped. */
const MAX_BUFFERED = 64 * 1024;
/** Accounts asked about at once by a sweep (one query each, with the account loader). */
const ACCOUNTS_PER_SWEEP_STEP = 200;

export type OpenResult = 'opened' | 'full' | 'user_full';

/**
 * Server-Sent Events for shoppers, on every instance at once: events for a shopper travel over
 * Redis pub/sub (one channel; each instance forwards to the streams it holds), and every instance
 * pushes the stock of the sales its streams watch when it moves. Streams are opened with a
 * single-use ticket, since EventSource cannot send an Authorization header. A stream lives no
 * longer than the token its ticket was issued for: its logout, its expiry, or its account's
 * deletion ends it.
 */
export class PushHub {
  private readonly byUser = new Map<number, Set<Stream>>();
  private readonly byToken = new Map<string, Set<Stream>>();
  private readonly byGoods = new Map<number, Set<Stream>>();
  private readonly lastStock = new Map<number, number>();
  private readonly channel: string;
  private timers: NodeJS.Timeout[] = [];
  private polling = false;
  private sweeping = false;
  private streams = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly sub: RedisClient,
    private readonly stock: StockStore,
    private readonly o: PushOptions,
  ) {
    this.channel = userEventsChannel(o.prefix);
  }

  get size(): number {
    return this.streams;
  }

  async start(): Promise<void> {
    this.sub.on('message', (channel: string, raw: string) => {
      if (channel === this.channel) this.deliver(raw);
    });
    await this.sub.subscribe(this.channel);
    const stockTimer = setInterval(() => void this.pushStock(), this.o.stockIntervalMs);
    const heartbeat = setInterval(() => {
      this.heartbeat();
      void this.sweep();
    }, this.o.heartbeatMs ?? 25_000);
    stockTimer.unref();
    heartbeat.unref();
    this.timers = [stockTimer, heartbeat];
  }

  private ticketKey(ticket: string) {
    return `${this.o.prefix}sk:ticket:${ticket}`;
  }

  async issueTicket(owner: StreamOwner): Promise<string> {
    const ticket = randomBytes(24).toString('base64url');
    const value = `${owner.userId} ${owner.jti} ${owner.expMs}`;
    await this.redis.set(this.ticketKey(ticket), value, 'PX', this.o.ticketTtlMs);
    return ticket;
  }

  /** The ticket's shopper and token, once: a second use, or an expired ticket, gets null. */
  async redeemTicket(ticket: string): Promise<StreamOwner | null> {
    const value = await this.redis.getdel(this.ticketKey(ticket));
    const [userId, jti, expMs] = (value ?? '').split(' ');
    if (!userId || !jti || !expMs) return null;
    return { userId: Number(userId), jti, expMs: Number(expMs) };
  }

  canOpen(userId: number): OpenResult {
    if (this.streams >= this.o.maxStreams) return 'full';
    if ((this.byUser.get(userId)?.size ?? 0) >= this.o.maxPerUser) return 'user_full';
    return 'opened';
  }

  /** Registers an open stream; `close` is returned for when the connection ends. */
  open(owner: StreamOwner, goods: number[], out: Writable): () => void {
    const { userId, jti, expMs } = owner;
    let closed = false;
    const stream: Stream = {
      userId,
      jti,
      expMs,
      goods,
      out,
      fresh: goods.length > 0,
      memo: new Map(),
      close: () => {
        if (closed) return;
        closed = true;
        this.streams -= 1;
        remove(this.byUser, userId, stream);
        remove(this.byToken, jti, stream);
        for (const id of goods) {
          remove(this.byGoods, id, stream);
          if (!this.byGoods.has(id)) this.lastStock.delete(id);
        }
      },
    };
    add(this.byUser, userId, stream);
    add(this.byToken, jti, stream);
    for (const id of goods) add(this.byGoods, id, stream);
    this.streams += 1;
    out.write(`retry: 2000\n\n`);
    send(stream, { type: 'hello', serverTime: new Date().toISOString() });
    return stream.close;
  }

  /** Ends the streams opened with a token (its logout, heard from any instance). */
  endToken(jti: string) {
    for (const s of [...(this.byToken.get(jti) ?? [])]) end(s);
  }

  /**
   * Ends the streams whose token has expired, and with `accountLive`, those whose account is
   * gone. Run at each heartbeat; the accounts are asked a batch at a time, not all at once.
   */
  async sweep(now = Date.now()): Promise<void> {
    for (const streams of [...this.byUser.values()])
      for (const s of [...streams]) if (s.expMs <= now) end(s);
    const accountLive = this.o.accountLive;
    if (!accountLive || this.sweeping) return;
    this.sweeping = true;
    try {
      const users = [...this.byUser.keys()];
      for (let i = 0; i < users.length; i += ACCOUNTS_PER_SWEEP_STEP) {
        const step = users.slice(i, i + ACCOUNTS_PER_SWEEP_STEP);
        // MySQL away: the streams stay open, and the next sweep asks again.
        const live = await Promise.all(step.map((id) => accountLive(id).catch(() => true)));
        step.forEach((id, j) => {
          if (!live[j]) for (const s of [...(this.byUser.get(id) ?? [])]) end(s);
        });
      }
    } finally {
      this.sweeping = false;
    }
  }

  /** The streams on this instance watching a sale. */
  watchers(goodsId: number): Watcher[] {
    return [...(this.byGoods.get(goodsId) ?? [])].map((s) => ({
      userId: s.userId,
      memo: s.memo,
      send: (e: ShopEvent) => send(s, e),
    }));
  }

  /** Sales watched by at least one stream on this instance. */
  watchedSales(): number[] {
    return [...this.byGoods.keys()];
  }

  /** Sends events to shoppers wherever their streams are (through Redis, to every instance). */
  publish(events: UserEvent[]): Promise<void> {
    return publishUserEvents(this.redis, this.o.prefix, events);
  }

  private deliver(raw: string) {
    // Every instance hears every batch's events: with no stream here, there is nothing to parse.
    if (this.byUser.size === 0) return;
    let events: UserEvent[];
    try {
      events = JSON.parse(raw) as UserEvent[];
    } catch {
      return;
    }
    if (!Array.isArray(events)) return;
    for (const e of events) {
      const streams = this.byUser.get(e?.userId);
      if (streams) for (const s of streams) send(s, e.event);
    }
  }

  private async pushStock() {
    if (this.polling || this.byGoods.size === 0) return;
    this.polling = true;
    try {
      const ids = [...this.byGoods.keys()];
      const left = await this.stock.stockLeft(ids);
      for (const id of ids) {
        const n = left.get(id);
        if (n == null) continue;
        const moved = this.lastStock.get(id) !== n;
        this.lastStock.set(id, n);
        // A new stream hears the current figure once; the others only when it moved.
        for (const s of this.byGoods.get(id) ?? [])
          if (moved || s.fresh) send(s, { type: 'stock', goodsId: id, stockLeft: n });
      }
      for (const id of ids) for (const s of this.byGoods.get(id) ?? []) s.fresh = false;
    } catch {
      // Redis away: the next tick tries again.
    } finally {
      this.polling = false;
    }
  }

  private heartbeat() {
    for (const streams of this.byUser.values()) for (const s of streams) write(s, ': ping\n\n');
  }

  /** Ends every stream (shutdown): browsers reconnect to another instance. */
  close() {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const streams of this.byUser.values()) for (const s of streams) s.out.end();
  }
}

/** Takes a stream out of the hub and ends it: the browser's EventSource then asks for a ticket. */
function end(s: Stream) {
  s.close();
  s.out.end();
}

function send(s: Stream, e: ShopEvent) {
  write(s, `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
}

function write(s: Stream, chunk: string) {
  if (s.out.writableLength > MAX_BUFFERED) {
    s.out.destroy();
    return;
  }
  s.out.write(chunk);
}

function add<K>(map: Map<K, Set<Stream>>, key: K, s: Stream) {
  const set = map.get(key) ?? new Set<Stream>();
  set.add(s);
  map.set(key, set);
}

function remove<K>(map: Map<K, Set<Stream>>, key: K, s: Stream) {
  const set = map.get(key);
  if (!set) return;
  set.delete(s);
  if (set.size === 0) map.delete(key);
}
