import { mysqlConfigFromEnv } from '@seckill/db';
import { count, flag, readEnv, SharedEnv, text } from '@seckill/env';
import { z } from 'zod';
import { trustedProxies } from './http/client-ip.ts';

/** Secrets printed in this repository's history (the old development default): refused everywhere. */
export const PUBLIC_SECRETS: readonly string[] = ['dev-only-secret-change-me'];
/** Bytes a signing key needs at least (HS256 keys shorter than its 32-byte output are weak). */
export const MIN_SECRET_BYTES = 32;

export interface Limit {
  /** Requests allowed per window; 0 turns the limit off. */
  max: number;
  windowMs: number;
}

/** What the API reads besides the shared settings. See .env.example. */
export const ApiEnv = SharedEnv.extend({
  HOST: text('0.0.0.0'),
  /** The balancer's addresses or CIDR ranges, comma-separated; empty = believe no forwarded header. */
  TRUST_PROXY: z.string().default(''),
  WEB_DIST: z.string().default(''),
  /** No default: scripts/start.sh and cluster.sh generate one into .env (mode 0600). */
  JWT_SECRET: z.string().default(''),
  /** The secret before a rotation: verifies tokens it signed (never signs), for one token lifetime. */
  JWT_SECRET_PREVIOUS: z.string().default(''),
  SECKILL_LOADTEST_KEY: z.string().default(''),
  SECKILL_LAB: flag(),
  /** Group commit of order publishes (1): orders waiting on a confirm leave together. */
  PUBLISH_GROUP_COMMIT: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['0', '1'], { error: 'must be 0 or 1' }).default('1'),
  ),
  PORT: count(8080),
  JWT_TTL_SECONDS: count(7 * 24 * 3600),
  CAPTCHA_TTL_MS: count(120_000),
  CAPTCHA_MAX_TRIES: count(3),
  PATH_TTL_MS: count(60_000),
  SOLD_OUT_FLAG_MS: count(1000),
  RECONCILE_INTERVAL_MS: count(10_000),
  RECONCILE_GRACE_MS: count(30_000),
  /** A new account's wallet, in cents: nothing unless the seller (or the demo) sets it. */
  SIGNUP_WALLET_CREDIT: count(0),
  EVENTS_TICKET_TTL_MS: count(30_000),
  EVENTS_MAX_STREAMS: count(10_000),
  EVENTS_MAX_PER_USER: count(5),
  EVENTS_STOCK_INTERVAL_MS: count(1000),
  QUEUE_OPENS_BEFORE_MS: count(10 * 60_000),
  QUEUE_ADMIT_PER_SECOND: count(200),
  QUEUE_ADMISSION_TTL_MS: count(120_000),
  QUEUE_TICK_MS: count(200),
  LIMIT_GLOBAL_INFLIGHT: count(4096),
  LIMIT_GLOBAL_RPS: count(50_000),
  LIMIT_LOGIN_PER_IP: count(60),
  LIMIT_LOGIN_FAILURES_PER_ACCOUNT: count(10),
  LIMIT_LOGIN_FAILURES_PER_IP: count(30),
  LIMIT_STATIC_PER_IP: count(600),
  LIMIT_REGISTER_PER_IP: count(30),
  LIMIT_CAPTCHA_PER_IP: count(120),
  LIMIT_PATH_PER_USER: count(10),
  LIMIT_ORDER_PER_USER: count(10),
  LIMIT_ORDER_ACTION_PER_USER: count(30),
  LIMIT_EVENTS_PER_USER: count(20),
  LIMIT_QUEUE_PER_USER: count(30),
});

/**
 * A signing key nobody else can know: set, 32+ bytes, and none of the values printed in this
 * repository (the old default, the compose example's placeholder). The message never shows it.
 */
export function checkSecret(name: string, value: string): void {
  const how = `set ${name} to 32+ random bytes (scripts/start.sh and scripts/cluster.sh generate one into .env; or: openssl rand -base64 48)`;
  if (!value) throw new Error(`${name} is not set: ${how}`);
  if (PUBLIC_SECRETS.includes(value) || /change-?me/i.test(value))
    throw new Error(`${name} is a public example value: ${how}`);
  if (Buffer.byteLength(value, 'utf8') < MIN_SECRET_BYTES)
    throw new Error(`${name} is shorter than ${MIN_SECRET_BYTES} bytes: ${how}`);
}

/**
 * Every environment variable the API reads, parsed and typed once. See .env.example.
 * `secrets: false` is for tools that sign nothing (pnpm verify): they may run without JWT_SECRET.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  opts: { secrets?: boolean } = {},
) {
  const e = readEnv(ApiEnv, env);
  const production = e.NODE_ENV === 'production';
  const jwtSecret = e.JWT_SECRET;
  const jwtSecretPrevious = e.JWT_SECRET_PREVIOUS;
  if (opts.secrets !== false) {
    checkSecret('JWT_SECRET', jwtSecret);
    if (jwtSecretPrevious) {
      checkSecret('JWT_SECRET_PREVIOUS', jwtSecretPrevious);
      if (jwtSecretPrevious === jwtSecret)
        throw new Error('JWT_SECRET_PREVIOUS must differ from JWT_SECRET');
    }
  }
  let trustProxy;
  try {
    trustProxy = trustedProxies(e.TRUST_PROXY);
  } catch (err) {
    throw new Error(`Invalid environment: TRUST_PROXY ${(err as Error).message}`, { cause: err });
  }
  const loadtestKey = e.SECKILL_LOADTEST_KEY;
  if (production && loadtestKey) throw new Error('SECKILL_LOADTEST_KEY is refused in production');
  const lab = e.SECKILL_LAB;
  if (production && lab) throw new Error('SECKILL_LAB is refused in production');

  const mysql = mysqlConfigFromEnv(env);
  return {
    production,
    port: e.PORT,
    host: e.HOST,
    /** The balancers whose X-Forwarded-For is believed (per-IP limits use the client's address). */
    trustProxy,
    webDist: e.WEB_DIST,
    mysql,
    redisUrl: e.REDIS_URL,
    /** Non-empty: a Redis Cluster's seed nodes, used instead of `redisUrl`. */
    redisClusterNodes: e.REDIS_CLUSTER_NODES,
    amqpUrl: e.AMQP_URL,
    /** Prefix of every Redis key and queue name: keeps deployments and test runs apart. */
    prefix: e.SECKILL_PREFIX,
    queueType: e.AMQP_QUEUE_TYPE,
    groupCommit: e.PUBLISH_GROUP_COMMIT === '1',
    /** Prometheus metrics on a port of their own (null = none). */
    metrics: e.METRICS_PORT === undefined ? null : { port: e.METRICS_PORT, host: e.METRICS_HOST },
    jwtSecret,
    jwtSecretPrevious,
    jwtTtlSeconds: e.JWT_TTL_SECONDS,
    loadtestKey,
    /** Lab mode: /api/lab/* sells straight in MySQL by the designs the bench compares. */
    lab,
    captchaTtlMs: e.CAPTCHA_TTL_MS,
    captchaMaxTries: e.CAPTCHA_MAX_TRIES,
    pathTtlMs: e.PATH_TTL_MS,
    confirmTimeoutMs: e.PUBLISH_CONFIRM_TIMEOUT_MS,
    /** How long a local sold-out flag answers without asking Redis again. */
    soldOutFlagMs: e.SOLD_OUT_FLAG_MS,
    /** How often each instance repairs half-done reservations and drifted counters (0 = never). */
    reconcileIntervalMs: e.RECONCILE_INTERVAL_MS,
    /** A reservation this old with no order, while the queue is empty, is handed to the queue again. */
    reconcileGraceMs: e.RECONCILE_GRACE_MS,
    /** What a new account finds in its wallet, in cents (0 unless set). */
    walletSignupCents: e.SIGNUP_WALLET_CREDIT,
    /** A single-use ticket that opens the event stream lives this long. */
    eventsTicketTtlMs: e.EVENTS_TICKET_TTL_MS,
    /** Open event streams per instance, and per shopper, before new ones are refused with 429. */
    eventsMaxStreams: e.EVENTS_MAX_STREAMS,
    eventsMaxPerUser: e.EVENTS_MAX_PER_USER,
    /** How often watched sales' stock is checked and pushed when it moved. */
    eventsStockIntervalMs: e.EVENTS_STOCK_INTERVAL_MS,
    queue: {
      /** A waiting room opens this long before its sale's start. */
      opensBeforeMs: e.QUEUE_OPENS_BEFORE_MS,
      /** Shoppers admitted per second per sale (once for all instances). */
      admitPerSecond: e.QUEUE_ADMIT_PER_SECOND,
      /** An admission not used for an order by then lapses; its slot goes to the next shopper. */
      admissionTtlMs: e.QUEUE_ADMISSION_TTL_MS,
      /** How often the admitting instance admits, and every instance pushes places. */
      tickMs: Math.max(20, e.QUEUE_TICK_MS),
    },
    limits: {
      /** Requests in flight per instance before new ones are shed with 429 (0 = off). */
      globalInflight: e.LIMIT_GLOBAL_INFLIGHT,
      /** Requests per second per instance before new ones are shed with 429 (0 = off). */
      globalRps: e.LIMIT_GLOBAL_RPS,
      login: { max: e.LIMIT_LOGIN_PER_IP, windowMs: 60_000 } as Limit,
      /** Failed logins per account, then per address, before a login is refused without a hash. */
      loginFailuresPerAccount: {
        max: e.LIMIT_LOGIN_FAILURES_PER_ACCOUNT,
        windowMs: 15 * 60_000,
      } as Limit,
      loginFailuresPerIp: { max: e.LIMIT_LOGIN_FAILURES_PER_IP, windowMs: 15 * 60_000 } as Limit,
      /** Files of the web app per IP (a page load is ~20; the load-test key is exempt). */
      static: { max: e.LIMIT_STATIC_PER_IP, windowMs: 10_000 } as Limit,
      register: { max: e.LIMIT_REGISTER_PER_IP, windowMs: 600_000 } as Limit,
      captcha: { max: e.LIMIT_CAPTCHA_PER_IP, windowMs: 60_000 } as Limit,
      path: { max: e.LIMIT_PATH_PER_USER, windowMs: 10_000 } as Limit,
      order: { max: e.LIMIT_ORDER_PER_USER, windowMs: 10_000 } as Limit,
      /** Pay and cancel requests per shopper. */
      orderAction: { max: e.LIMIT_ORDER_ACTION_PER_USER, windowMs: 10_000 } as Limit,
      /** Event-stream tickets per shopper. */
      events: { max: e.LIMIT_EVENTS_PER_USER, windowMs: 60_000 } as Limit,
      /** Waiting-room joins and status reads per shopper. */
      queue: { max: e.LIMIT_QUEUE_PER_USER, windowMs: 10_000 } as Limit,
    },
  };
}
export type Config = ReturnType<typeof loadConfig>;
