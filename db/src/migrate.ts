import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import type { MysqlConfig } from './config.ts';
import { fillUsernameSkeletons } from './usernames.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

/**
 * What a migration needs that SQL cannot do, run after its SQL and before it is recorded: a run
 * that stops in between runs both again (the SQL of such a migration is written to be repeatable).
 */
type AfterSql = (conn: mysql.Connection, log: (line: string) => void) => Promise<void>;
const AFTER_SQL: Record<string, AfterSql> = {
  '007_username_skeleton.sql': async (conn, log) => {
    const ids = await fillUsernameSkeletons(conn);
    if (ids.length > 0)
      log(`no username skeleton (an older name looks alike): ids ${ids.join(', ')}`);
  },
};

/**
 * Creates the database if needed and applies migrations/NNN_name.sql in order, recording each in
 * schema_migrations. A named lock makes concurrent runs (two instances starting) wait, not collide.
 */
export async function migrate(cfg: MysqlConfig, log: (line: string) => void = () => {}) {
  if (!/^[A-Za-z0-9_]+$/.test(cfg.database)) throw new Error(`bad database name ${cfg.database}`);
  const conn = await mysql.createConnection({
    host: cfg.host,
    port: cfg.port,
    user: cfg.user,
    password: cfg.password,
    multipleStatements: true,
    timezone: 'Z',
  });
  try {
    await conn.query(
      `CREATE DATABASE IF NOT EXISTS \`${cfg.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    await conn.query(`USE \`${cfg.database}\``);
    await conn.query('SELECT GET_LOCK(?, 60)', [`${cfg.database}.migrate`]);
    await conn.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version VARCHAR(191) NOT NULL PRIMARY KEY,
      applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4`);
    const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => String(r.version)));
    const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = await readFile(MIGRATIONS_DIR + file, 'utf8');
      await conn.query(sql);
      await AFTER_SQL[file]?.(conn, log);
      await conn.query('INSERT INTO schema_migrations (version) VALUES (?)', [file]);
      applied.push(file);
      log(`applied ${file}`);
    }
    await conn.query('SELECT RELEASE_LOCK(?)', [`${cfg.database}.migrate`]);
    return applied;
  } finally {
    await conn.end();
  }
}
