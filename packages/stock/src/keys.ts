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
    /** The waiting room (see room.ts): who joined before the draw, zset userId → join ms. */
    roomEarly: `${tag}:room:early`,
    /** The line after the draw: zset userId → place number (consecutive: position = place - head + 1). */
    roomLine: `${tag}:room:line`,
    /** Admissions: zset userId → valid until ms. */
    roomAdmitted: `${tag}:room:admitted`,
    /** The room's figures and state: hash { drawn, next, joined, admitted, lapsed, tokens, … }. */
    roomInfo: `${tag}:room:info`,
    /** Each admitted shopper's admission number, in admission order: hash userId → n. */
    roomOrder: `${tag}:room:order`,
    /** Admissions per second over the last minute: hash second → count. */
    roomRate: `${tag}:room:rate`,
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
 * The live view's keys, shared by every process of a deployment. One hash tag `{live}` for all of
 * them, so a flush (several seconds' hashes and the heartbeat in one pipeline) and the endpoint's
 * read of a whole window stay on one Redis Cluster slot.
 */
export function liveKeys(prefix: string) {
  const tag = `${prefix}live:{live}`;
  return {
    /** One second of the deployment: hash of counts summed over processes (see @seckill/metrics). */
    second: (sec: number) => `${tag}:s:${sec}`,
    /** Ids of the processes that have reported (set); each one's heartbeat is its own key. */
    instances: `${tag}:instances`,
    /** A process's heartbeat: JSON { id, kind, pid, metricsPort, lastSeen }, short TTL. */
    instance: (id: string) => `${tag}:i:${id}`,
    /** Which process samples the queue depth this second: string id, short TTL. */
    sampler: `${tag}:sampler`,
  };
}
export type LiveKeys = ReturnType<typeof liveKeys>;

/**
 * Deletes every key of a deployment (tests, benches, tools): what FLUSHALL would do to it alone.
 * On a cluster it scans every master, since each holds only its own slots.
 */
export async function deleteKeysWithPrefix(redis: RedisClient, prefix: string): Promise<void> {
  if (!prefix) throw new Error('refusing to delete every key: no prefix');
  await scanKeys(redis, `${prefix}*`, (keys) => unlinkKeys(redis, keys));
}
