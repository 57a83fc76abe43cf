import { readFileSync } from 'node:fs';
import type { RedisClient } from '@seckill/stock';
import type { Context, Middleware } from 'koa';
import type { Limit } from '../config.ts';
import { AppError } from './errors.ts';

const WINDOW_LUA = readFileSync(new URL('./rate-limit.lua', import.meta.url), 'utf8');

export interface Limiter {
  /** Counts one hit for `id` and says whether it is still within the limit. */
  hit(name: string, id: string, limit: Limit): Promise<boolean> | boolean;
}

/** Shared by every API instance: a limit holds across a load balancer. */
export class RedisLimiter implements Limiter {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {
    if (!('skWindow' in redis))
      redis.defineCommand('skWindow', { numberOfKeys: 1, lua: WINDOW_LUA });
  }

  async hit(name: string, id: string, limit: Limit): Promise<boolean> {
    if (limit.max === 0) return true;
    return (await this.count(name, id, limit.windowMs)) <= limit.max;
  }

  /** Counts one hit for `id` in a window of `windowMs` and returns the window's count. */
  count(name: string, id: string, windowMs: number): Promise<number> {
    const run = (this.redis as unknown as { skWindow(k: string, ms: number): Promise<number> })
      .skWindow;
    return run.call(this.redis, this.key(name, id), windowMs);
  }

  /** The window's count and the ms until it ends, without counting. */
  async peek(name: string, id: string): Promise<{ count: number; ttlMs: number }> {
    const key = this.key(name, id);
    const [count, ttl] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
    return { count: Number(count ?? 0), ttlMs: Math.max(0, ttl) };
  }

  /** Ends `id`'s window now. */
  async reset(name: string, id: string): Promise<void> {
    await this.redis.del(this.key(name, id));
  }

  private key(name: string, id: string) {
    return `${this.prefix}rl:${name}:${id}`;
  }
}

/**
 * Per instance, in memory: for the order request, which must not pay a Redis round trip for its
 * limit (the one-time path, limited per user in Redis, already gates every order).
 */
export class LocalLimiter implements Limiter {
  private readonly windows = new Map<string, { count: number; until: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor() {
    this.sweeper = setInterval(() => this.sweep(), 10_000);
    this.sweeper.unref();
  }

  hit(name: string, id: string, limit: Limit): boolean {
    if (limit.max === 0) return true;
    const key = `${name}:${id}`;
    const now = Date.now();
    const w = this.windows.get(key);
    if (!w || w.until <= now) {
      this.windows.set(key, { count: 1, until: now + limit.windowMs });
      return true;
    }
    w.count += 1;
    return w.count <= limit.max;
  }

  private sweep() {
    const now = Date.now();
    for (const [key, w] of this.windows) if (w.until <= now) this.windows.delete(key);
  }

  close() {
    clearInterval(this.sweeper);
  }
}

export function rateLimit(
  limiter: Limiter,
  name: string,
  limit: Limit,
  by: (ctx: Context) => string | null,
): Middleware {
  return async (ctx, next) => {
    const id = by(ctx);
    if (id !== null && !(await limiter.hit(name, id, limit))) throw new AppError('RATE_LIMITED');
    return next();
  };
}

/**
 * Sheds overload before any work is done: past `maxInflight` concurrent requests or `rps` new
 * ones in the current second, a request is answered 429 at once instead of waiting in line.
 * One per process, shared by Koa and the sale's edge (edge.ts).
 */
export class LoadShedder {
  private inflight = 0;
  private second = 0;
  private count = 0;

  constructor(
    private readonly maxInflight: number,
    private readonly rps: number,
  ) {}

  /** Takes a slot or throws RATE_LIMITED; a taken slot is given back with `leave()`. */
  enter() {
    if (this.rps > 0) {
      const now = Math.floor(Date.now() / 1000);
      if (now !== this.second) {
        this.second = now;
        this.count = 0;
      }
      if (++this.count > this.rps)
        throw new AppError('RATE_LIMITED', 'The shop is very busy; please try again.');
    }
    if (this.maxInflight > 0 && this.inflight >= this.maxInflight) {
      throw new AppError('RATE_LIMITED', 'The shop is very busy; please try again.');
    }
    this.inflight += 1;
  }

  leave() {
    this.inflight -= 1;
  }
}

export function shedLoad(shedder: LoadShedder): Middleware {
  return async (_ctx, next) => {
    shedder.enter();
    try {
      await next();
    } finally {
      shedder.leave();
    }
  };
}
