import { defineConfig } from 'vitest/config';

// Against a local Redis Cluster (bash scripts/redis-cluster.sh start): the stock and slot tests,
// and server/test/cluster-redis, which the root config leaves out since they need the cluster up.
export default defineConfig({
  test: {
    include: ['packages/stock/test/*.test.ts', 'server/test/cluster-redis/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    env: {
      REDIS_CLUSTER_NODES:
        process.env.REDIS_CLUSTER_NODES ||
        (process.env.REDIS_CLUSTER_PORTS || '7101,7102,7103')
          .split(',')
          .map((p) => `127.0.0.1:${p.trim()}`)
          .join(','),
    },
  },
});
