import { readEnv, SharedEnv } from '@seckill/env';
import { createRedis } from '../src/index.ts';

/** The test run's Redis: the cluster of REDIS_CLUSTER_NODES when set, else REDIS_URL's server. */
export function testRedis() {
  const e = readEnv(SharedEnv);
  return createRedis({ redisUrl: e.REDIS_URL, redisClusterNodes: e.REDIS_CLUSTER_NODES });
}
