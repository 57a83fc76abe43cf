/** MySQL settings shared by every process; each has a working local default. */
export interface MysqlConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export function mysqlConfigFromEnv(env: NodeJS.ProcessEnv = process.env): MysqlConfig {
  return {
    host: env.MYSQL_HOST ?? '127.0.0.1',
    port: Number(env.MYSQL_PORT ?? 3306),
    user: env.MYSQL_USER ?? 'root',
    password: env.MYSQL_PASSWORD ?? '',
    database: env.MYSQL_DATABASE ?? 'seckill',
  };
}
