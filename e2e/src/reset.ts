import { mysqlConfigFromEnv } from '@seckill/db';
import { createRedis, deleteKeysWithPrefix } from '@seckill/stock';
import mysql from 'mysql2/promise';
import { E2E } from './env.ts';

/** A clean slate for each run: the e2e database and its keys go; the start command makes them anew. */
const conn = await mysql.createConnection({ ...mysqlConfigFromEnv(), database: undefined });
await conn.query(`DROP DATABASE IF EXISTS \`${E2E.database}\``);
await conn.end();
const redis = createRedis(E2E.redis);
await deleteKeysWithPrefix(redis, E2E.prefix);
redis.disconnect();
console.log(`[e2e] reset database ${E2E.database} and keys ${E2E.prefix}*`);
