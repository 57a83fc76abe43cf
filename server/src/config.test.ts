import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('config', () => {
  it('refuses the default or a short secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).production).toBe(
      true,
    );
  });

  it('refuses the load-test key in production', () => {
    const env = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) };
    expect(() => loadConfig({ ...env, SECKILL_LOADTEST_KEY: 'k' })).toThrow(/LOADTEST/);
    expect(() => loadConfig({ ...env, SECKILL_LAB: '1' })).toThrow(/SECKILL_LAB/);
  });

  it('has working local defaults and reads limits from the environment', () => {
    const c = loadConfig({});
    expect(c.mysql).toMatchObject({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      database: 'seckill',
    });
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.redisClusterNodes).toEqual([]);
    expect(
      loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7101, redis-b:7102' }).redisClusterNodes,
    ).toEqual([
      { host: '127.0.0.1', port: 7101 },
      { host: 'redis-b', port: 7102 },
    ]);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1' })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'h:70000' })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(loadConfig({ LIMIT_PATH_PER_USER: '3' }).limits.path.max).toBe(3);
    expect(() => loadConfig({ LIMIT_PATH_PER_USER: 'many' })).toThrow(/LIMIT_PATH_PER_USER/);
    expect(c.metrics).toBeNull();
    expect(loadConfig({ METRICS_PORT: '' }).metrics).toBeNull();
    expect(loadConfig({ METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(() => loadConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
  });
});
