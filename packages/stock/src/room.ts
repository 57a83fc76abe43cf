import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { saleKeys } from './keys.ts';
import type { RedisClient } from './redis.ts';

const lua = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
const common = lua('room-common');
const ROOM_KEYS = 9;
const SCRIPTS = {
  skRoomJoin: { numberOfKeys: ROOM_KEYS, lua: `${common}\n${lua('room-join')}` },
  skRoomStatus: { numberOfKeys: ROOM_KEYS, lua: `${common}\n${lua('room-status')}` },
  skRoomAdmit: { numberOfKeys: ROOM_KEYS, lua: `${common}\n${lua('room-admit')}` },
} as const;

type ScriptFn = (...args: Array<string | number>) => Promise<number[]>;
type RoomCommands = Record<keyof typeof SCRIPTS, ScriptFn>;

export type RoomState = 'waiting' | 'admitted' | 'sold_out' | 'none';
export interface RoomPlace {
  status: RoomState;
  /** 1-based among those still waiting; null before the draw. */
  position: number | null;
  etaSeconds: number | null;
  /** Ms since the epoch, for `admitted`. */
  admittedUntil: number | null;
}
export type JoinResult =
  | { outcome: 'OK'; place: RoomPlace }
  | { outcome: 'NOT_WARMED' | 'NO_ROOM' | 'NOT_STARTED' | 'ENDED' };
export interface AdmitRound {
  admitted: number[];
  /** Until when those just admitted may ask for a path (ms since the epoch, Redis' clock). */
  admittedUntil: number;
  waiting: number;
  stockLeft: number;
  lapsed: number;
  unused: number;
}
export interface RoomSettings {
  opensBeforeMs: number;
  admitPerSecond: number;
  admissionTtlMs: number;
  /** Admitted-and-unused shoppers stay at most the stock left times this. */
  factor: number;
  /** Admissions per round at most (a round runs every tick). */
  maxPerRound: number;
}
export interface RoomFigures {
  waiting: number;
  admitted: number;
  joined: number;
  admittedTotal: number;
  lapsed: number;
  admittedPerSecondLastMinute: number;
}

const STATES: RoomState[] = ['waiting', 'admitted', 'sold_out', 'none'];
const JOIN_REFUSALS = {
  [-5]: 'NOT_WARMED',
  [-8]: 'NO_ROOM',
  [-3]: 'NOT_STARTED',
  [-4]: 'ENDED',
} as const;
/** A seed for the draw's shuffle, from the CSPRNG (Lua's own generator is seeded from it). */
const seed = () => randomInt(1, 2 ** 31 - 1);

/** A pipeline's or MULTI's replies, the first error thrown. */
function values(replies: Array<[Error | null, unknown]> | null): unknown[] {
  return (replies ?? []).map(([err, v]) => {
    if (err) throw err;
    return v;
  });
}

function placeOf(r: number[], at: number): RoomPlace {
  const [code = 3, position = -1, eta = -1, until = 0] = r.slice(at, at + 4);
  return {
    status: STATES[code] ?? 'none',
    position: position > 0 ? position : null,
    etaSeconds: eta >= 0 ? eta : null,
    admittedUntil: code === 1 ? until : null,
  };
}

/**
 * A sale's waiting room, in Redis beside its stock (same hash tag, so it runs on a cluster too).
 * Shoppers who join before the start are drawn into a random order at the start; later ones queue
 * behind in arrival order; `admit` runs one admission round (called by the one server instance
 * holding the room's lease), which admits from the head at a rate, never far beyond what can still
 * sell. Paths check the admission (issue-path.lua); an unused admission lapses and its slot goes
 * to the next shopper.
 */
export class WaitingRoomStore {
  private readonly cmd: RoomCommands;

  constructor(
    readonly redis: RedisClient,
    readonly prefix: string,
    readonly settings: RoomSettings,
  ) {
    for (const [name, def] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, def);
    }
    this.cmd = redis as unknown as RoomCommands;
  }

  private keys(goodsId: number) {
    const k = saleKeys(this.prefix, goodsId);
    return [
      k.meta,
      k.stock,
      k.buyers,
      k.roomEarly,
      k.roomLine,
      k.roomAdmitted,
      k.roomInfo,
      k.roomOrder,
      k.roomRate,
    ];
  }

  private get rate() {
    return Math.max(1, this.settings.admitPerSecond);
  }

  async join(goodsId: number, userId: number): Promise<JoinResult> {
    const r = await this.cmd.skRoomJoin(
      ...this.keys(goodsId),
      userId,
      this.settings.opensBeforeMs,
      seed(),
      this.rate,
    );
    const refusal = JOIN_REFUSALS[r[0] as keyof typeof JOIN_REFUSALS];
    if (refusal) return { outcome: refusal };
    return { outcome: 'OK', place: placeOf(r, 0) };
  }

  /** Where each of these shoppers stands; null when the sale has no room. */
  async places(goodsId: number, userIds: number[]): Promise<RoomPlace[] | null> {
    const r = await this.cmd.skRoomStatus(...this.keys(goodsId), this.rate, ...userIds);
    if (r[0] === -1) return null;
    return userIds.map((_, i) => placeOf(r, 1 + i * 4));
  }

  /** One admission round; null when the sale has no room or is outside its window. */
  async admit(goodsId: number): Promise<AdmitRound | null> {
    const s = this.settings;
    const r = await this.cmd.skRoomAdmit(
      ...this.keys(goodsId),
      seed(),
      this.rate,
      s.admissionTtlMs,
      s.factor,
      s.maxPerRound,
    );
    if (r[0] === -1) return null;
    const [, waiting = 0, stockLeft = 0, lapsed = 0, unused = 0, admittedUntil = 0, ...admitted] =
      r;
    return { admitted, admittedUntil, waiting, stockLeft, lapsed, unused };
  }

  /**
   * What moves every shopper's place at once, in one round trip: whether there is stock, the
   * draw, the counts of joins, admissions and lapses, and the head of the line. Equal snapshots:
   * no place has changed but by the clock (an admission running out).
   */
  async snapshot(goodsId: number): Promise<{ key: string; soldOut: boolean; drawn: boolean }> {
    const k = saleKeys(this.prefix, goodsId);
    const [stock, info, head] = values(
      await this.redis
        .pipeline()
        .get(k.stock)
        .hmget(k.roomInfo, 'drawn', 'joined', 'admitted', 'lapsed')
        .zrange(k.roomLine, '0', '0', 'WITHSCORES')
        .exec(),
    );
    const soldOut = Number(stock ?? 0) <= 0;
    const fields = (info ?? []) as Array<string | null>;
    return {
      key: JSON.stringify([soldOut, fields, head]),
      soldOut,
      drawn: fields[0] === '1',
    };
  }

  /** The room's figures for the admin dashboard. */
  async figures(goodsId: number): Promise<RoomFigures> {
    const k = saleKeys(this.prefix, goodsId);
    const now = Date.now();
    const [info, early, line, valid, rate] = values(
      await this.redis
        .multi()
        .hgetall(k.roomInfo)
        .zcard(k.roomEarly)
        .zcard(k.roomLine)
        .zrangebyscore(k.roomAdmitted, `(${now}`, '+inf')
        .hgetall(k.roomRate)
        .exec(),
    );
    const infoMap = (info ?? {}) as Record<string, string>;
    const admittedIds = (valid ?? []) as string[];
    const buyers = admittedIds.length ? await this.redis.hmget(k.buyers, ...admittedIds) : [];
    const sec = Math.floor(now / 1000);
    let lastMinute = 0;
    for (const [f, v] of Object.entries((rate ?? {}) as Record<string, string>)) {
      const at = Number(f);
      if (at > sec - 60 && at <= sec) lastMinute += Number(v);
    }
    return {
      waiting: Number(early ?? 0) + Number(line ?? 0),
      admitted: buyers.filter((b) => b === null).length,
      joined: Number(infoMap.joined ?? 0),
      admittedTotal: Number(infoMap.admitted ?? 0),
      lapsed: Number(infoMap.lapsed ?? 0),
      admittedPerSecondLastMinute: Math.round((lastMinute / 60) * 10) / 10,
    };
  }

  /** Every admission so far, in admission order (tests, tools): userIds. */
  async admissionOrder(goodsId: number): Promise<number[]> {
    const all = await this.redis.hgetall(saleKeys(this.prefix, goodsId).roomOrder);
    return Object.entries(all)
      .sort((a, b) => Number(a[1]) - Number(b[1]))
      .map(([u]) => Number(u));
  }
}
