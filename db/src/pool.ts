import mysql, { type Pool, type PoolOptions } from 'mysql2/promise';
import type { MysqlConfig } from './config.ts';

/** A pool that speaks UTC and returns BIGINT ids as strings (order numbers exceed 2^53). */
export function createPool(cfg: MysqlConfig, extra: Partial<PoolOptions> = {}): Pool {
  return mysql.createPool({
    host: cfg.host,
    port: cfg.port,
    user: cfg.user,
    password: cfg.password,
    database: cfg.database,
    timezone: 'Z',
    dateStrings: false,
    supportBigNumbers: true,
    bigNumberStrings: true,
    connectionLimit: 10,
    waitForConnections: true,
    queueLimit: 0,
    enableKeepAlive: true,
    connectTimeout: 5000,
    ...extra,
  });
}
