import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { saleKeys } from './keys.ts';
import type { RedisClient } from './redis.ts';

const lua = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');

const SCRIPTS = {
  skReserve: { numberOfKeys: 5, lua: lua('reserve') },
  skIssuePath: { numberOfKeys: 6, lua: lua('issue-path') },
  skRelease: { numberOfKeys: 4, lua: lua('release') },
  skClaim: { numberOfKeys: 3, lua: lua('claim') },
  skClaimMany: { numberOfKeys: 3, lua: lua('claim-many') },
  skSettleMany: { numberOfKeys: 3, lua: lua('settle-many') },
  skWarm: { numberOfKeys: 5, lua: lua('warm') },
  skRebuild: { numberOfKeys: 4, lua: lua('rebuild') },
  skReturnUnits: { numberOfKeys: 6, lua: lua('return-units') },
} as const;

type Arg = string | number;
type ScriptFn<R> = (...args: Arg[]) => Promise<R>;
interface StockCommands {
  skReserve: ScriptFn<number[]>;
  skIssuePath: ScriptFn<number>;
  skRelease: ScriptFn<number>;
  skClaim: ScriptFn<number>;
  skClaimMany: ScriptFn<number[]>;
  skSettleMany: ScriptFn<number>;
  skWarm: ScriptFn<number>;
  skRebuild: ScriptFn<number[]>;
  skReturnUnits: ScriptFn<number>;
}

/** Outcomes of reserve.lua and issue-path.lua, by their return codes. */
export const Outcome = {
  OK: 1,
  SOLD_OUT: 0,
  BAD_PATH: -1,
  REPEAT: -2,
  NOT_STARTED: -3,
  ENDED: -4,
  NOT_WARMED: -5,
  BAD_CAPTCHA: -6,
  NOT_ADMITTED: -7,
} as const;
export type OutcomeName = keyof typeof Outcome;

/** Return codes of the other scripts, as their headers document them. */
export const ReleaseCode = { RELEASED: 1, GONE: 0, CLAIMED: -1 } as const;
export const ClaimCode = { CLAIMED: 1, DROPPED: 0, UNTRACKED: 2 } as const;
export const WarmCode = { READY: 1, MISSING: 0 } as const;
export const RebuildCode = { COUNTER_MISSING: -1, ROUND_CHANGED: -2 } as const;
export const ReturnUnitsCode = { ROUND_CHANGED: -1 } as const;
const OUTCOME_NAMES = new Map<number, OutcomeName>(
  Object.entries(Outcome).map(([k, v]) => [v, k as OutcomeName]),
);
function outcomeName(code: number): OutcomeName {
  const name = OUTCOME_NAMES.get(code);
  if (!name) throw new Error(`unexpected script result ${code}`);
  return name;
}

export type Reservation =
  | { outcome: 'OK'; price: number; round: number }
  | { outcome: Exclude<OutcomeName, 'OK' | 'BAD_CAPTCHA' | 'NOT_ADMITTED'> };

/** What a release did: undone, not this reservation (already gone), or claimed by the consumer. */
export type ReleaseResult = 'released' | 'gone' | 'claimed';

export type ClaimResult = 'claimed' | 'dropped' | 'untracked';

export interface SaleWindow {
  goodsId: number;
  startMs: number;
  endMs: number;
  price: number;
  round: number;
  stock: number;
  /** Paths only for shoppers the waiting room admitted (default: no room). */
  waitingRoom?: boolean;
}

/** The Redis side of a sale: every stock operation of the order path, one Lua script each. */
export class StockStore {
  private readonly cmd: StockCommands;

  constructor(
    readonly redis: RedisClient,
    readonly prefix: string,
  ) {
    for (const [name, def] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, def);
    }
    this.cmd = redis as unknown as StockCommands;
  }

  keys(goodsId: number) {
    return saleKeys(this.prefix, goodsId);
  }

  async reserve(
    goodsId: number,
    userId: number,
    path: string,
    orderId: string,
  ): Promise<Reservation> {
    const k = this.keys(goodsId);
    const [code, price, round] = await this.cmd.skReserve(
      k.stock,
      k.meta,
      k.buyers,
      k.results,
      k.path(userId),
      userId,
      path,
      orderId,
    );
    const outcome = outcomeName(code ?? NaN);
    if (outcome === 'OK') return { outcome, price: price ?? 0, round: round ?? 0 };
    if (outcome === 'BAD_CAPTCHA' || outcome === 'NOT_ADMITTED')
      throw new Error(`reserve cannot answer ${outcome}`);
    return { outcome };
  }

  async issuePath(
    goodsId: number,
    userId: number,
    opts: { answer: string; maxTries: number; path: string; ttlMs: number; skipCaptcha: boolean },
  ): Promise<OutcomeName> {
    const k = this.keys(goodsId);
    const code = await this.cmd.skIssuePath(
      k.captcha(userId),
      k.meta,
      k.stock,
      k.buyers,
      k.path(userId),
      k.roomAdmitted,
      opts.answer.toLowerCase(),
      opts.maxTries,
      opts.path,
      opts.ttlMs,
      opts.skipCaptcha ? '1' : '0',
      userId,
    );
    return outcomeName(code);
  }

  /** Stores a fresh captcha answer for a user and sale; it works once and expires. */
  async storeCaptcha(
    goodsId: number,
    userId: number,
    answer: string,
    ttlMs: number,
  ): Promise<void> {
    const key = this.keys(goodsId).captcha(userId);
    await this.redis
      .multi()
      .del(key)
      .hset(key, 'a', answer.toLowerCase(), 'n', 0)
      .pexpire(key, ttlMs)
      .exec();
  }

  /**
   * Undoes a reservation. The API passes `force: false` and learns whether the consumer got there
   * first; the consumer passes `force: true` when an order can never be written.
   */
  async release(
    goodsId: number,
    userId: number,
    orderId: string,
    opts: { force: boolean; result: '' | 'failed' | 'sold_out'; returnUnit: boolean },
  ): Promise<ReleaseResult> {
    const k = this.keys(goodsId);
    const code = await this.cmd.skRelease(
      k.stock,
      k.buyers,
      k.claimed,
      k.results,
      userId,
      orderId,
      opts.force ? '1' : '0',
      opts.result,
      opts.returnUnit ? '1' : '0',
    );
    if (code === ReleaseCode.RELEASED) return 'released';
    return code === ReleaseCode.CLAIMED ? 'claimed' : 'gone';
  }

  async claim(goodsId: number, userId: number, orderId: string): Promise<ClaimResult> {
    const k = this.keys(goodsId);
    const code = await this.cmd.skClaim(k.buyers, k.claimed, k.results, userId, orderId);
    if (code === ClaimCode.CLAIMED) return 'claimed';
    return code === ClaimCode.UNTRACKED ? 'untracked' : 'dropped';
  }

  /** Claims many reservations of one sale in one script call; results in the order given. */
  async claimMany(
    goodsId: number,
    orders: Array<{ userId: number; orderId: string }>,
  ): Promise<ClaimResult[]> {
    if (orders.length === 0) return [];
    const k = this.keys(goodsId);
    const codes = await this.cmd.skClaimMany(
      k.buyers,
      k.claimed,
      k.results,
      ...orders.flatMap((o) => [o.userId, o.orderId]),
    );
    return codes.map((code) =>
      code === ClaimCode.CLAIMED
        ? 'claimed'
        : code === ClaimCode.UNTRACKED
          ? 'untracked'
          : 'dropped',
    );
  }

  /** Records a committed order (`orderId`, which may be an earlier one of this buyer) for polling. */
  async settle(
    goodsId: number,
    userId: number,
    orderId: string,
    reservedOrderId: string,
  ): Promise<void> {
    await this.settleMany(goodsId, [{ userId, orderId, reservedOrderId }]);
  }

  /** `settle` for many committed orders of one sale in one script call; returns how many. */
  async settleMany(
    goodsId: number,
    orders: Array<{ userId: number; orderId: string; reservedOrderId: string }>,
  ): Promise<number> {
    if (orders.length === 0) return 0;
    const k = this.keys(goodsId);
    return this.cmd.skSettleMany(
      k.stock,
      k.buyers,
      k.results,
      ...orders.flatMap((o) => [o.userId, o.orderId, o.reservedOrderId]),
    );
  }

  /**
   * Loads a sale's window, price and round. A reset also starts the round afresh with `stock`.
   * Returns 'missing' when there is no counter: the sale sells nothing until `rebuild`.
   */
  async warm(sale: SaleWindow, opts: { reset: boolean }): Promise<'ready' | 'missing'> {
    const k = this.keys(sale.goodsId);
    const code = await this.cmd.skWarm(
      k.stock,
      k.meta,
      k.buyers,
      k.claimed,
      k.results,
      sale.startMs,
      sale.endMs,
      sale.price,
      sale.round,
      sale.stock,
      opts.reset ? '1' : '0',
      sale.waitingRoom ? '1' : '0',
    );
    return code === WarmCode.READY ? 'ready' : 'missing';
  }

  /**
   * Rebuilds the counter from the orders in MySQL of round `sale.round`: stock = total - marks.
   * `sale.stock` is the stock total here. Returns null if a reset began another round meanwhile.
   */
  async rebuild(
    sale: SaleWindow,
    orders: Array<{ userId: number; orderId: string }>,
  ): Promise<{ before: number | null; after: number } | null> {
    const k = this.keys(sale.goodsId);
    const pairs = orders.flatMap((o) => [o.userId, o.orderId]);
    const [before, after] = await this.cmd.skRebuild(
      k.stock,
      k.meta,
      k.buyers,
      k.results,
      sale.round,
      sale.stock,
      sale.startMs,
      sale.endMs,
      sale.price,
      sale.waitingRoom ? '1' : '0',
      ...pairs,
    );
    if (before === RebuildCode.ROUND_CHANGED || after === undefined) return null;
    const missing = before === RebuildCode.COUNTER_MISSING || before === undefined;
    return { before: missing ? null : before, after };
  }

  /**
   * Gives back the units of orders that MySQL has cancelled or expired, for their round only.
   * Returns how many went back (0 for those already back), or null if the round has changed.
   */
  async returnUnits(
    goodsId: number,
    round: number,
    orders: Array<{ userId: number; orderId: string }>,
  ): Promise<number | null> {
    if (orders.length === 0) return 0;
    const k = this.keys(goodsId);
    const n = await this.cmd.skReturnUnits(
      k.stock,
      k.meta,
      k.buyers,
      k.claimed,
      k.results,
      k.roomAdmitted,
      round,
      ...orders.flatMap((o) => [o.userId, o.orderId]),
    );
    return n === ReturnUnitsCode.ROUND_CHANGED ? null : n;
  }

  /** Every buyer mark of a sale: userId → the order (or reservation) it holds. */
  async buyerMarks(goodsId: number): Promise<Map<number, string>> {
    const marks = await this.redis.hgetall(this.keys(goodsId).buyers);
    return new Map(Object.entries(marks).map(([u, o]) => [Number(u), o]));
  }

  /** A short lock on one sale's housekeeping (`name`), so instances do not repeat each other. */
  async lockSale(
    goodsId: number,
    name: string,
    ttlMs: number,
  ): Promise<{ release(): Promise<void> } | null> {
    const key = `${this.keys(goodsId).meta}:${name}`;
    const token = randomBytes(8).toString('hex');
    if ((await this.redis.set(key, token, 'PX', ttlMs, 'NX')) === null) return null;
    return {
      release: async () => {
        if ((await this.redis.get(key)) === token) await this.redis.del(key);
      },
    };
  }

  async hasCounter(goodsId: number): Promise<boolean> {
    return (await this.redis.exists(this.keys(goodsId).stock)) === 1;
  }

  async stockLeft(goodsIds: number[]): Promise<Map<number, number | null>> {
    const values = await Promise.all(goodsIds.map((id) => this.redis.get(this.keys(id).stock)));
    return new Map(goodsIds.map((id, i) => [id, values[i] == null ? null : Number(values[i])]));
  }

  /** The buyer's outcome for polling: a final result if recorded, else queued while a mark exists. */
  async result(
    goodsId: number,
    userId: number,
  ): Promise<{ status: 'queued' | 'success' | 'sold_out' | 'failed' | 'none'; orderId?: string }> {
    const k = this.keys(goodsId);
    const [result, holder] = await Promise.all([
      this.redis.hget(k.results, String(userId)),
      this.redis.hget(k.buyers, String(userId)),
    ]);
    if (result?.startsWith('success:')) return { status: 'success', orderId: result.slice(8) };
    if (result === 'sold_out' || result === 'failed') return { status: result };
    // A tombstone ('undone:<id>') means the last attempt was taken back: nothing is pending.
    return holder ? { status: 'queued' } : { status: 'none' };
  }
}
