import calculateSlot from 'cluster-key-slot';
import { Cluster, Redis } from 'ioredis';

/** The Redis every process talks to: one server, or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: `redisClusterNodes` non-empty means a cluster (REDIS_CLUSTER_NODES). */
export interface RedisTarget {
  redisUrl: string;
  redisClusterNodes: ReadonlyArray<{ host: string; port: number }>;
}

export interface RedisClientOptions {
  enableAutoPipelining?: boolean;
  maxRetriesPerRequest?: number;
  connectTimeout?: number;
  /** Delay before reconnecting after the `times`th failure (every node, on a cluster). */
  retryStrategy?: (times: number) => number | null;
}

/** The one place a Redis client is made: a `Cluster` when cluster nodes are set, else a `Redis`. */
export function createRedis(target: RedisTarget, o: RedisClientOptions = {}): RedisClient {
  if (target.redisClusterNodes.length === 0) return new Redis(target.redisUrl, o);
  const { retryStrategy, enableAutoPipelining, ...node } = o;
  return new Cluster(
    target.redisClusterNodes.map((n) => ({ host: n.host, port: n.port })),
    {
      enableAutoPipelining,
      clusterRetryStrategy: retryStrategy,
      redisOptions: { ...node, ...passwordOf(target.redisUrl) },
    },
  );
}

/** A cluster's nodes take the credentials of REDIS_URL, so one secret serves both set-ups. */
function passwordOf(url: string): { username?: string; password?: string } {
  try {
    const u = new URL(url);
    return {
      ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
      ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    };
  } catch {
    return {};
  }
}

/** The servers that hold keys: every master of a cluster, or the one server. */
export async function keyServers(redis: RedisClient): Promise<Redis[]> {
  if (!(redis instanceof Cluster)) return [redis];
  // Before the first slots refresh the cluster knows no nodes: a round trip waits for it.
  if (redis.status !== 'ready') await redis.ping();
  return redis.nodes('master');
}

/** Calls `onKeys` with every key matching `pattern`, SCANning each server that holds keys. */
export async function scanKeys(
  redis: RedisClient,
  pattern: string,
  onKeys: (keys: string[]) => Promise<void>,
  count = 1000,
): Promise<void> {
  for (const server of await keyServers(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (keys.length) await onKeys(keys);
    } while (cursor !== '0');
  }
}

/** Groups keys by hash slot: a multi-key command on a cluster may only name keys of one slot. */
export function bySlot(keys: string[]): string[][] {
  const groups = new Map<number, string[]>();
  for (const key of keys) {
    const slot = calculateSlot(key);
    const group = groups.get(slot);
    if (group) group.push(key);
    else groups.set(slot, [key]);
  }
  return [...groups.values()];
}

/** UNLINKs keys of any slots: one command per slot on a cluster, one in all on a single server. */
export async function unlinkKeys(redis: RedisClient, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  if (!(redis instanceof Cluster)) {
    await redis.unlink(...keys);
    return;
  }
  await Promise.all(bySlot(keys).map((group) => redis.unlink(...group)));
}

/**
 * Servers whose memory policy may evict keys: stock counters, buyer marks and results must never
 * be evicted (a lost mark sells a unit twice), so the shop's Redis runs `maxmemory` with
 * `maxmemory-policy noeviction` and refuses writes at its ceiling. Servers that do not let us
 * read their configuration (CONFIG renamed away) are not listed: they cannot be checked.
 */
export async function evictingServers(redis: RedisClient): Promise<string[]> {
  const servers = await keyServers(redis);
  const found = await Promise.all(
    servers.map(async (server) => {
      const reply = (await server.config('GET', 'maxmemory-policy').catch(() => null)) as
        string[] | null;
      const policy = reply?.[1];
      return policy && policy !== 'noeviction'
        ? `${server.options.host}:${server.options.port} (${policy})`
        : null;
    }),
  );
  return found.filter((s): s is string => s !== null);
}
