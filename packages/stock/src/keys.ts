import { scanKeys, unlinkKeys, type RedisClient } from './redis.ts';

/**
 * The Redis keyspace shared by the API and the consumer. Every key of one sale carries the same
 * hash tag `{g:<id>}` so the Lua scripts that touch several of them run on Redis Cluster too.
 */
export function saleKeys(prefix: string, goodsId: number) {
  const tag = `${prefix}sk:{g:${goodsId}}`;
  return {
    /** Units left to reserve (string integer). Missing = not warmed: never sell from it. */
    stock: `${tag}:stock`,
    /** Sale window and price: hash { start, end, price } in ms / cents. */
    meta: `${tag}:meta`,
    /** Buyers holding a reservation or an order: hash userId → orderId. */
    buyers: `${tag}:buyers`,
    /** Reservations the consumer has taken (can no longer be undone by the API): hash userId → orderId. */
    claimed: `${tag}:claimed`,
    /** Final outcome per buyer for polling: hash userId → "success:<orderId>" | "sold_out" | "failed". */
    results: `${tag}:results`,
    /** One-time purchase path for a user: string, short TTL. */
    path: (userId: number) => `${tag}:path:${userId}`,
    /** Captcha answer and wrong tries for a user: hash { a, n }, short TTL. */
    captcha: (userId: number) => `${tag}:captcha:${userId}`,
  };
}
export type SaleKeys = ReturnType<typeof saleKeys>;

/** Pub/sub channel on which sale changes (reset, edit) are announced to every API instance. */
export const saleEventsChannel = (prefix: string) => `${prefix}sk:events`;

/**
 * Pub/sub channel of per-shopper events (order written, paid, cancelled, expired): every API
 * instance listens and forwards each to the streams of that shopper it holds.
 */
export const userEventsChannel = (prefix: string) => `${prefix}sk:user-events`;

/**
 * Deletes every key of a deployment (tests, benches, tools): what FLUSHALL would do to it alone.
 * On a cluster it scans every master, since each holds only its own slots.
 */
export async function deleteKeysWithPrefix(redis: RedisClient, prefix: string): Promise<void> {
  if (!prefix) throw new Error('refusing to delete every key: no prefix');
  await scanKeys(redis, `${prefix}*`, (keys) => unlinkKeys(redis, keys));
}
