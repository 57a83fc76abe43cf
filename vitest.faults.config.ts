import { defineConfig } from 'vitest/config';

// `pnpm test:faults`: every fault scenario at full size, one at a time (some stop shared services).
export default defineConfig({
  test: {
    include: ['server/test/faults/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    env: { FAULTS_FULL: '1' },
  },
});
