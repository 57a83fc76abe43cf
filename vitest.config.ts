import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{packages/*,server,consumer,db,bench}/{src,test}/**/*.test.ts'],
    // Scenarios that stop shared services or take minutes run with `pnpm test:faults`.
    exclude: ['**/node_modules/**', '**/*.fault.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
