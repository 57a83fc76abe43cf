import { readEnv, SharedEnv } from '@seckill/env';

/** MySQL settings shared by every process; each has a working local default. */
export interface MysqlConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

const MysqlEnv = SharedEnv.pick({
  MYSQL_HOST: true,
  MYSQL_PORT: true,
  MYSQL_USER: true,
  MYSQL_PASSWORD: true,
  MYSQL_DATABASE: true,
});

export function mysqlConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
): MysqlConfig {
  const e = readEnv(MysqlEnv, env);
  return {
    host: e.MYSQL_HOST,
    port: e.MYSQL_PORT,
    user: e.MYSQL_USER,
    password: e.MYSQL_PASSWORD,
    database: e.MYSQL_DATABASE,
  };
}
