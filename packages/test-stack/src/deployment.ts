import { randomBytes } from 'node:crypto';
import { deleteTopology, queueNames } from '@seckill/queue';
import { deleteKeysWithPrefix } from '@seckill/stock';
import type { RedisClient } from '@seckill/stock';

/**
 * A deployment of its own on the shared MariaDB, Redis and RabbitMQ: a database, a key prefix
 * (which also names its queues), a JWT secret and a load-test key nobody else has.
 */
export interface Deployment {
  id: string;
  database: string;
  prefix: string;
  jwtSecret: string;
  loadtestKey: string;
  /** The variables that select it, for the processes of the stack (or loadConfig). */
  env: {
    MYSQL_DATABASE: string;
    SECKILL_PREFIX: string;
    JWT_SECRET: string;
    SECKILL_LOADTEST_KEY: string;
  };
}

/** `kind` tells the owners apart in a listing: `t` server tests, `f` fault scenarios, `bench`. */
export function isolatedDeployment(kind: string): Deployment {
  const id = randomBytes(4).toString('hex');
  const d = {
    id,
    database: `seckill_${kind}_${id}`,
    prefix: `${kind}${id}:`,
    jwtSecret: `${kind}-secret-${id}-${randomBytes(24).toString('hex')}`,
    loadtestKey: `lt-${id}-${randomBytes(8).toString('hex')}`,
  };
  return {
    ...d,
    env: {
      MYSQL_DATABASE: d.database,
      SECKILL_PREFIX: d.prefix,
      JWT_SECRET: d.jwtSecret,
      SECKILL_LOADTEST_KEY: d.loadtestKey,
    },
  };
}

/** Anything that runs SQL: a mysql2 pool or connection. */
interface Sql {
  query(sql: string): Promise<unknown>;
}

/** Removes what a deployment left on the services: its keys, its queues and exchanges, its database. */
export async function removeDeployment(d: {
  prefix: string;
  database: string;
  redis: RedisClient;
  amqpUrl: string;
  sql: Sql;
}): Promise<void> {
  if (!d.prefix) throw new Error('refusing to remove the keys of an empty prefix');
  await deleteKeysWithPrefix(d.redis, d.prefix);
  await deleteTopology(d.amqpUrl, queueNames(d.prefix));
  await d.sql.query(`DROP DATABASE IF EXISTS \`${d.database.replace(/`/g, '')}\``);
}
