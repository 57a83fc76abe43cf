import { readEnv, SharedEnv } from '@seckill/env';

const redisEnv = readEnv(SharedEnv.pick({ REDIS_URL: true, REDIS_CLUSTER_NODES: true }));

/** The app the browser tests run against: started by the README's start command, on its own port and data. */
export const E2E = {
  port: Number(process.env.E2E_PORT ?? 8180),
  database: process.env.E2E_DATABASE ?? 'seckill_e2e',
  prefix: process.env.E2E_PREFIX ?? 'e2e:',
  adminPassword: 'admin-e2e-password',
  /** The app's Redis: REDIS_CLUSTER_NODES' cluster when set, else REDIS_URL's server. */
  redis: { redisUrl: redisEnv.REDIS_URL, redisClusterNodes: redisEnv.REDIS_CLUSTER_NODES },
  /** The browser's time zone; tests that type times into the admin form write them in it. */
  timezone: 'Asia/Shanghai',
  /** How long an order of the e2e app waits for payment (the app runs with it). */
  paymentTimeoutMs: 30_000,
};
export const BASE_URL = `http://localhost:${E2E.port}`;
