import { describe, expect, it } from 'vitest';
import { loadConfig, PUBLIC_SECRETS } from './config.ts';

const [OLD_DEFAULT = ''] = PUBLIC_SECRETS;

const SECRET = { JWT_SECRET: 'k'.repeat(40) };

describe('config', () => {
  it('refuses a missing, public or short secret in every mode, and never prints it', () => {
    for (const NODE_ENV of ['production', 'development', 'test', '']) {
      expect(() => loadConfig({ NODE_ENV })).toThrow(/JWT_SECRET is not set/);
      expect(() => loadConfig({ NODE_ENV, JWT_SECRET: OLD_DEFAULT })).toThrow(/public/);
      const placeholder = 'change-me-to-48-random-hex-characters-0123456789ab';
      expect(() => loadConfig({ NODE_ENV, JWT_SECRET: placeholder })).toThrow(/public/);
      expect(() => loadConfig({ NODE_ENV, JWT_SECRET: 's3cret-but-31-bytes-long-xxxxxx' })).toThrow(
        /shorter than 32 bytes/,
      );
      let message = '';
      try {
        loadConfig({ NODE_ENV, JWT_SECRET: 'short-and-secret' });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).not.toContain('short-and-secret');
    }
    expect(loadConfig({ NODE_ENV: 'production', ...SECRET }).production).toBe(true);
    // A tool that signs nothing may run without one.
    expect(loadConfig({}, { secrets: false }).jwtSecret).toBe('');
  });

  it('takes a previous secret for verification only if it is as strong and not the same', () => {
    const previous = 'p'.repeat(40);
    expect(loadConfig({ ...SECRET, JWT_SECRET_PREVIOUS: previous }).jwtSecretPrevious).toBe(
      previous,
    );
    expect(() => loadConfig({ ...SECRET, JWT_SECRET_PREVIOUS: 'short' })).toThrow(
      /JWT_SECRET_PREVIOUS/,
    );
    expect(() => loadConfig({ ...SECRET, JWT_SECRET_PREVIOUS: SECRET.JWT_SECRET })).toThrow(
      /must differ/,
    );
  });

  it('trusts forwarded addresses only from the listed balancers, never from "1"', () => {
    expect(loadConfig(SECRET).trustProxy.entries).toEqual([]);
    const c = loadConfig({
      ...SECRET,
      TRUST_PROXY: '127.0.0.1, 10.0.0.0/8, ::ffff:172.18.0.2, ::1',
    });
    expect(c.trustProxy.entries).toEqual(['127.0.0.1', '10.0.0.0/8', '172.18.0.2', '::1']);
    expect(c.trustProxy.has('10.1.2.3')).toBe(true);
    expect(c.trustProxy.has('::ffff:10.1.2.3')).toBe(true);
    expect(c.trustProxy.has('11.0.0.1')).toBe(false);
    for (const bad of ['1', 'true', '*', '10.0.0.0/33', 'nginx', '1.2.3.4/8/1'])
      expect(() => loadConfig({ ...SECRET, TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
  });

  it('gives a new account nothing unless SIGNUP_WALLET_CREDIT says so', () => {
    expect(loadConfig(SECRET).walletSignupCents).toBe(0);
    expect(loadConfig({ ...SECRET, SIGNUP_WALLET_CREDIT: '500000' }).walletSignupCents).toBe(
      500_000,
    );
    // The old name gives nothing any more.
    expect(loadConfig({ ...SECRET, WALLET_SIGNUP_CENTS: '500000' }).walletSignupCents).toBe(0);
  });

  it('refuses the load-test key in production', () => {
    const env = { NODE_ENV: 'production', ...SECRET };
    expect(() => loadConfig({ ...env, SECKILL_LOADTEST_KEY: 'k' })).toThrow(/LOADTEST/);
    expect(() => loadConfig({ ...env, SECKILL_LAB: '1' })).toThrow(/SECKILL_LAB/);
  });

  it('has working local defaults and reads limits from the environment', () => {
    const c = loadConfig(SECRET);
    expect(c.mysql).toMatchObject({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      database: 'seckill',
    });
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.redisClusterNodes).toEqual([]);
    expect(
      loadConfig({ ...SECRET, REDIS_CLUSTER_NODES: '127.0.0.1:7101, redis-b:7102' })
        .redisClusterNodes,
    ).toEqual([
      { host: '127.0.0.1', port: 7101 },
      { host: 'redis-b', port: 7102 },
    ]);
    expect(() => loadConfig({ ...SECRET, REDIS_CLUSTER_NODES: '127.0.0.1' })).toThrow(
      /REDIS_CLUSTER_NODES/,
    );
    expect(() => loadConfig({ ...SECRET, REDIS_CLUSTER_NODES: 'h:70000' })).toThrow(
      /REDIS_CLUSTER_NODES/,
    );
    expect(loadConfig({ ...SECRET, LIMIT_PATH_PER_USER: '3' }).limits.path.max).toBe(3);
    expect(() => loadConfig({ ...SECRET, LIMIT_PATH_PER_USER: 'many' })).toThrow(
      /LIMIT_PATH_PER_USER/,
    );
    expect(c.metrics).toBeNull();
    expect(loadConfig({ ...SECRET, METRICS_PORT: '' }).metrics).toBeNull();
    expect(loadConfig({ ...SECRET, METRICS_PORT: '9464' }).metrics).toEqual({
      port: 9464,
      host: '127.0.0.1',
    });
    expect(() => loadConfig({ ...SECRET, METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
  });
});
