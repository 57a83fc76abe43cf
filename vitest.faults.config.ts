import { defineConfig } from 'vitest/config';

// The fault scenarios (server/test/faults), one file at a time: some stop the shared MariaDB or
// RabbitMQ, so nothing else may run beside them. `scripts/test.sh` runs them at CI size (the whole
// suite in a few minutes); `pnpm test:faults` runs them at full size (FAULTS_FULL=1). Set
// FAULTS_FULL yourself to choose either size with any command.
const full =
  process.env.FAULTS_FULL ?? (process.env.npm_lifecycle_event === 'test:faults' ? '1' : '0');

export default defineConfig({
  test: {
    include: ['server/test/faults/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    env: { FAULTS_FULL: full === '1' ? '1' : '0' },
  },
});
