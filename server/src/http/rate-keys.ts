import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { addressKey } from './client-ip.ts';

declare module 'koa' {
  interface DefaultState {
    /** The request carries the configured load-test key: no captcha, no per-IP limits. */
    loadtest?: boolean;
  }
}

/**
 * Rate-limit keys: the client's address (an IPv6 client's /64; none for the load-test crowd) or
 * the acting user. Both are bounded in size whatever the client sends (see client-ip.ts).
 */
export const byIp = (ctx: Context) => (ctx.state.loadtest ? null : addressKey(ctx.ip));
export const byUser = (ctx: Context) =>
  ctx.state.user ? String(ctx.state.user.id) : addressKey(ctx.ip);

/** Whether a request carries the configured load-test key (compared in constant time). */
export function loadtestKeyMatches(key: string, given: string | string[] | undefined): boolean {
  if (!key || typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
}
