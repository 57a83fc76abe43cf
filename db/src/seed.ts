import type { Pool } from 'mysql2/promise';
import { hashPassword, verifyPassword } from './passwords.ts';
import { inTransaction } from './pool.ts';
import { closeRound, refundToWallet } from './rounds.ts';
import {
  seedInsertGoods,
  seedLockGoods,
  seedRestockGoods,
  seedSelectGoodsId,
} from './tables/goods.ts';
import {
  seedInsertUser,
  seedSelectPasswordHash,
  seedSelectUserId,
  seedUpdatePasswordHash,
} from './tables/users.ts';
import { postEntries } from './tables/wallet.ts';
import { usernameSkeleton } from './usernames.ts';

/** What seeded shoppers start with: ¥10,000 in cents. */
export const SEED_SHOPPER_CENTS = 1_000_000;

interface SeedSale {
  name: string;
  description: string;
  image: string;
  price: number;
  seckillPrice: number;
  stock: number;
  /** Start and end relative to the seed run, in minutes. */
  startIn: number;
  endIn: number;
}

const MIN = 60_000;

export const SEED_SALES: SeedSale[] = [
  {
    name: 'Aurora X5 5G 智能手机 256GB',
    description:
      '6.7-inch 120 Hz OLED, 50 MP triple camera, 5000 mAh battery with 67 W fast charging. 6.7 英寸 120Hz 护眼屏，全天续航。',
    image: 'phone.svg',
    price: 399900,
    seckillPrice: 199900,
    stock: 100,
    startIn: -5,
    endIn: 7 * 24 * 60,
  },
  {
    name: 'SoundPods Pro 主动降噪真无线耳机',
    description:
      'Adaptive noise cancelling, 30 h with the case, IPX4 sweat resistant. 自适应降噪，双设备连接，通透模式。',
    image: 'earbuds.svg',
    price: 89900,
    seckillPrice: 29900,
    stock: 200,
    startIn: -5,
    endIn: 7 * 24 * 60,
  },
  {
    name: 'Pulse Watch 3 运动智能手表',
    description:
      'Heart-rate and SpO2 monitoring, GPS, 14-day battery, 100+ workout modes. 心率血氧监测，14 天长续航。',
    image: 'watch.svg',
    price: 129900,
    seckillPrice: 59900,
    stock: 50,
    startIn: 3,
    endIn: 7 * 24 * 60,
  },
  {
    name: 'AirBook 14 轻薄笔记本电脑 16G+512G',
    description:
      '1.2 kg aluminium body, 14-inch 2.8K screen, 16 GB RAM, 512 GB SSD, 18 h battery. 全金属机身，2.8K 高清屏。',
    image: 'laptop.svg',
    price: 699900,
    seckillPrice: 459900,
    stock: 20,
    startIn: 60,
    endIn: 7 * 24 * 60,
  },
  {
    name: '云南小粒咖啡豆 中度烘焙 1kg',
    description:
      'Single-origin Arabica from Pu’er, medium roast, notes of caramel and nuts; roasted to order. 当季新豆，焦糖坚果风味。',
    image: 'coffee.svg',
    price: 16800,
    seckillPrice: 6900,
    stock: 500,
    startIn: -5,
    endIn: 7 * 24 * 60,
  },
  {
    name: '智能 IH 电饭煲 4L',
    description:
      'Induction heating, ceramic inner pot, 12 cooking programmes, 24 h delayed start. IH 电磁加热，陶瓷内胆。',
    image: 'rice-cooker.svg',
    price: 59900,
    seckillPrice: 19900,
    stock: 80,
    startIn: -3 * 24 * 60,
    endIn: -24 * 60,
  },
  {
    name: 'K87 机械键盘 热插拔 RGB',
    description:
      'Hot-swappable switches, gasket mount, PBT keycaps, tri-mode wireless. 三模连接，Gasket 结构，PBT 键帽。',
    image: 'keyboard.svg',
    price: 49900,
    seckillPrice: 24900,
    stock: 150,
    startIn: 24 * 60,
    endIn: 8 * 24 * 60,
  },
  {
    name: '城市通勤双肩包 20L 防泼水',
    description:
      'Water-repellent fabric, padded 15.6-inch laptop sleeve, luggage strap. 防泼水面料，15.6 英寸电脑仓。',
    image: 'backpack.svg',
    price: 29900,
    seckillPrice: 9900,
    stock: 300,
    startIn: -5,
    endIn: 7 * 24 * 60,
  },
];

export interface SeedOptions {
  adminPassword: string;
  /** Passwords anyone can read (an old default): an existing admin with one gets `adminPassword`. */
  publicAdminPasswords?: string[];
  shopperPassword: string;
  /** Re-time and restock the demo sales that already exist (their orders are cancelled, paid ones refunded). */
  reset?: boolean;
  log?: (line: string) => void;
}

async function upsertUser(
  db: Pool,
  username: string,
  password: string,
  role: 'user' | 'admin',
  balance: number,
) {
  if (await seedSelectUserId(db, username)) return false;
  const hash = await hashPassword(password);
  await inTransaction(db, async (tx) => {
    const userId = await seedInsertUser(tx, {
      username,
      skeleton: usernameSkeleton(username),
      passwordHash: hash,
      role,
    });
    if (balance > 0) await postEntries(tx, [{ userId, amount: balance, kind: 'seed' }]);
  });
  return true;
}

/** Gives `username` the password `next` if its stored one is any of `known` (a public default). */
async function replacePublicPassword(
  db: Pool,
  username: string,
  known: string[],
  next: string,
): Promise<boolean> {
  const row = await seedSelectPasswordHash(db, username);
  if (!row) return false;
  for (const password of known) {
    if (!(await verifyPassword(password, row.password_hash))) continue;
    await seedUpdatePasswordHash(db, row.id, await hashPassword(next));
    return true;
  }
  return false;
}

/** Idempotent: creates what is missing and leaves what exists, unless `reset` is asked for. */
export async function seed(db: Pool, opts: SeedOptions) {
  const log = opts.log ?? (() => {});
  if (await upsertUser(db, 'admin', opts.adminPassword, 'admin', 0)) log('created user admin');
  else if (
    await replacePublicPassword(db, 'admin', opts.publicAdminPasswords ?? [], opts.adminPassword)
  )
    log("the admin's password was a public default: it is now ADMIN_PASSWORD");
  for (const name of ['alice', 'bob']) {
    if (await upsertUser(db, name, opts.shopperPassword, 'user', SEED_SHOPPER_CENTS))
      log(`created user ${name}`);
  }
  const now = Date.now();
  for (const s of SEED_SALES) {
    const start = new Date(now + s.startIn * MIN);
    const end = new Date(now + s.endIn * MIN);
    const existing = await seedSelectGoodsId(db, s.name);
    if (!existing) {
      const id = await seedInsertGoods(db, {
        name: s.name,
        description: s.description,
        imageUrl: `/images/goods/${s.image}`,
        price: s.price,
        seckillPrice: s.seckillPrice,
        stock: s.stock,
        startAt: start,
        endAt: end,
      });
      log(`created sale #${id} ${s.name}`);
    } else if (opts.reset) {
      // Like an admin's reset: live orders are cancelled and paid ones refunded, never deleted.
      await inTransaction(db, async (tx) => {
        await seedLockGoods(tx, existing.id);
        await closeRound(tx, existing.id, refundToWallet);
        await seedRestockGoods(tx, existing.id, { stock: s.stock, startAt: start, endAt: end });
      });
      log(`reset sale #${existing.id} ${s.name}`);
    }
  }
}
