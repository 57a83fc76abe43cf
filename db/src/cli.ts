import { mysqlConfigFromEnv } from './config.ts';
import { migrate } from './migrate.ts';
import { createPool } from './pool.ts';
import { seed } from './seed.ts';

const DEV_ADMIN_PASSWORD = 'admin12345';
const DEV_SHOPPER_PASSWORD = 'password123';

async function main() {
  const cmd = process.argv[2];
  const cfg = mysqlConfigFromEnv();
  const log = (line: string) => console.log(`[db] ${line}`);
  if (cmd === 'migrate') {
    const applied = await migrate(cfg, log);
    log(applied.length ? `${applied.length} migration(s) applied` : 'schema up to date');
    return;
  }
  if (cmd === 'seed') {
    const production = process.env.NODE_ENV === 'production';
    const adminPassword = process.env.ADMIN_PASSWORD ?? (production ? '' : DEV_ADMIN_PASSWORD);
    if (adminPassword.length < 8) {
      throw new Error('ADMIN_PASSWORD must be set (8+ characters) to seed in production');
    }
    const db = createPool(cfg);
    try {
      await seed(db, {
        adminPassword,
        shopperPassword: process.env.DEMO_PASSWORD ?? DEV_SHOPPER_PASSWORD,
        reset: process.argv.includes('--reset'),
        log,
      });
      log('seed done');
    } finally {
      await db.end();
    }
    return;
  }
  throw new Error(`usage: cli.ts migrate|seed [--reset]`);
}

main().catch((err: unknown) => {
  console.error(`[db] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
