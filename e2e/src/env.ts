/** The app the browser tests run against: started by the README's start command, on its own port and data. */
export const E2E = {
  port: Number(process.env.E2E_PORT ?? 8180),
  database: process.env.E2E_DATABASE ?? 'seckill_e2e',
  prefix: process.env.E2E_PREFIX ?? 'e2e:',
  adminPassword: 'admin-e2e-password',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  /** The browser's time zone; tests that type times into the admin form write them in it. */
  timezone: 'Asia/Shanghai',
  /** How long an order of the e2e app waits for payment (the app runs with it). */
  paymentTimeoutMs: 30_000,
};
export const BASE_URL = `http://localhost:${E2E.port}`;
