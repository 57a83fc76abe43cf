import { defineConfig, devices } from '@playwright/test';
import { BASE_URL, E2E } from './src/env.ts';

export default defineConfig({
  testDir: './specs',
  outputDir: './artifacts/results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['html', { outputFolder: './artifacts/report', open: 'never' }]],
  use: {
    baseURL: BASE_URL,
    testIdAttribute: 'data-test',
    // The texts the specs read are the English ones; times typed into forms are in this zone.
    locale: 'en-US',
    timezoneId: E2E.timezone,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer: {
    // The app exactly as the README starts it, on its own port, database and key prefix.
    command: 'bash scripts/start.sh',
    cwd: '..',
    url: `${BASE_URL}/readyz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: {
      PORT: String(E2E.port),
      MYSQL_DATABASE: E2E.database,
      SECKILL_PREFIX: E2E.prefix,
      ADMIN_PASSWORD: E2E.adminPassword,
      LOG_LEVEL: 'warn',
      // Long enough for the buy-and-pay journeys, short enough to watch an order expire.
      PAYMENT_TIMEOUT_MS: String(E2E.paymentTimeoutMs),
      EXPIRY_SWEEP_INTERVAL_MS: '1000',
    },
  },
});
