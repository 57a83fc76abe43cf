import { mysqlConfigFromEnv } from '@seckill/db';
import { removeDeployment } from '@seckill/test-stack';
import { createRedis } from '@seckill/stock';
import mysql from 'mysql2/promise';
import { E2E } from './env.ts';

/** A clean slate for each run: the e2e database, keys and queues go; the start command makes them anew. */
const sql = await mysql.createConnection({ ...mysqlConfigFromEnv(), database: undefined });
const redis = createRedis(E2E.redis);
await removeDeployment({
  prefix: E2E.prefix,
  database: E2E.database,
  redis,
  amqpUrl: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  sql,
});
await sql.end();
redis.disconnect();
console.log(`[e2e] reset database ${E2E.database}, keys ${E2E.prefix}* and their queues`);
