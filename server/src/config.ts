import { mysqlConfigFromEnv, type MysqlConfig } from '@seckill/db';

export const DEV_JWT_SECRET = 'dev-only-secret-change-me';

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

export interface Limit {
  /** Requests allowed per window; 0 turns the limit off. */
  max: number;
  windowMs: number;
}

/** Every environment variable the API reads, parsed and typed once. See .env.example. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const production = env.NODE_ENV === 'production';
  const jwtSecret = env.JWT_SECRET ?? DEV_JWT_SECRET;
  if (production && (jwtSecret === DEV_JWT_SECRET || jwtSecret.length < 32)) {
    throw new Error('JWT_SECRET must be set to a random value of 32+ characters in production');
  }
  const loadtestKey = env.SECKILL_LOADTEST_KEY || '';
  if (production && loadtestKey) throw new Error('SECKILL_LOADTEST_KEY is refused in production');
  const lab = env.SECKILL_LAB === '1';
  if (production && lab) throw new Error('SECKILL_LAB is refused in production');

  const mysql: MysqlConfig = mysqlConfigFromEnv(env);
  return {
    production,
    port: int(env, 'PORT', 8080),
    host: env.HOST ?? '0.0.0.0',
    /** Trust X-Forwarded-For from a load balancer in front (per-IP limits use the client's address). */
    trustProxy: env.TRUST_PROXY === '1',
    webDist: env.WEB_DIST ?? '',
    mysql,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    amqpUrl: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    /** Prefix of every Redis key and queue name: keeps deployments and test runs apart. */
    prefix: env.SECKILL_PREFIX ?? '',
    jwtSecret,
    jwtTtlSeconds: int(env, 'JWT_TTL_SECONDS', 7 * 24 * 3600),
    loadtestKey,
    /** Lab mode: /api/lab/* sells straight in MySQL by the designs the bench compares. */
    lab,
    captchaTtlMs: int(env, 'CAPTCHA_TTL_MS', 120_000),
    captchaMaxTries: int(env, 'CAPTCHA_MAX_TRIES', 3),
    pathTtlMs: int(env, 'PATH_TTL_MS', 60_000),
    confirmTimeoutMs: int(env, 'PUBLISH_CONFIRM_TIMEOUT_MS', 3000),
    /** How long a local sold-out flag answers without asking Redis again. */
    soldOutFlagMs: int(env, 'SOLD_OUT_FLAG_MS', 1000),
    /** How often each instance repairs half-done reservations and drifted counters (0 = never). */
    reconcileIntervalMs: int(env, 'RECONCILE_INTERVAL_MS', 10_000),
    /** A reservation this old with no order, while the queue is empty, is handed to the queue again. */
    reconcileGraceMs: int(env, 'RECONCILE_GRACE_MS', 30_000),
    /** What a new account finds in its wallet, in cents (¥5,000). */
    walletSignupCents: int(env, 'WALLET_SIGNUP_CENTS', 500_000),
    /** A single-use ticket that opens the event stream lives this long. */
    eventsTicketTtlMs: int(env, 'EVENTS_TICKET_TTL_MS', 30_000),
    /** Open event streams per instance, and per shopper, before new ones are refused with 429. */
    eventsMaxStreams: int(env, 'EVENTS_MAX_STREAMS', 10_000),
    eventsMaxPerUser: int(env, 'EVENTS_MAX_PER_USER', 5),
    /** How often watched sales' stock is checked and pushed when it moved. */
    eventsStockIntervalMs: int(env, 'EVENTS_STOCK_INTERVAL_MS', 1000),
    limits: {
      /** Requests in flight per instance before new ones are shed with 429 (0 = off). */
      globalInflight: int(env, 'LIMIT_GLOBAL_INFLIGHT', 4096),
      /** Requests per second per instance before new ones are shed with 429 (0 = off). */
      globalRps: int(env, 'LIMIT_GLOBAL_RPS', 50_000),
      login: { max: int(env, 'LIMIT_LOGIN_PER_IP', 60), windowMs: 60_000 } as Limit,
      /** Files of the web app per IP (a page load is ~20; the load-test key is exempt). */
      static: { max: int(env, 'LIMIT_STATIC_PER_IP', 600), windowMs: 10_000 } as Limit,
      register: { max: int(env, 'LIMIT_REGISTER_PER_IP', 30), windowMs: 600_000 } as Limit,
      captcha: { max: int(env, 'LIMIT_CAPTCHA_PER_IP', 120), windowMs: 60_000 } as Limit,
      path: { max: int(env, 'LIMIT_PATH_PER_USER', 10), windowMs: 10_000 } as Limit,
      order: { max: int(env, 'LIMIT_ORDER_PER_USER', 10), windowMs: 10_000 } as Limit,
      /** Pay and cancel requests per shopper. */
      orderAction: { max: int(env, 'LIMIT_ORDER_ACTION_PER_USER', 30), windowMs: 10_000 } as Limit,
      /** Event-stream tickets per shopper. */
      events: { max: int(env, 'LIMIT_EVENTS_PER_USER', 20), windowMs: 60_000 } as Limit,
    },
  };
}
export type Config = ReturnType<typeof loadConfig>;
