import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{packages/*,server,consumer,db,bench}/{src,test}/**/*.test.ts'],
    // The fault scenarios stop shared services and take minutes: they run on their own, one at a
    // time, with vitest.faults.config.ts (a step of scripts/test.sh, and `pnpm test:faults`).
    // server/test/cluster-redis needs a Redis Cluster: vitest.cluster.config.ts, with it up.
    exclude: ['**/node_modules/**', 'server/test/faults/**', 'server/test/cluster-redis/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
