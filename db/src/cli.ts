import { mysqlConfigFromEnv } from './config.ts';
import { migrate } from './migrate.ts';
import { createPool } from './pool.ts';
import { seed } from './seed.ts';

/** The development default of earlier versions: public, so refused and replaced where found. */
export const OLD_ADMIN_PASSWORD = 'admin12345';
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
    // No default in any mode: start.sh and cluster.sh generate one into .env.
    const adminPassword = process.env.ADMIN_PASSWORD ?? '';
    if (adminPassword.length < 12 || adminPassword.includes(OLD_ADMIN_PASSWORD)) {
      throw new Error(
        'ADMIN_PASSWORD must be set to 12+ characters nobody else knows to seed (scripts/start.sh generates one into .env)',
      );
    }
    const db = createPool(cfg);
    try {
      await seed(db, {
        adminPassword,
        publicAdminPasswords: [OLD_ADMIN_PASSWORD],
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
