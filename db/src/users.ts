import type { Pool } from 'mysql2/promise';
import { insertUserRows, selectIdsByUsernames } from './tables/users.ts';
import { insertSeedEntries } from './tables/wallet.ts';
import { usernameSkeleton } from './usernames.ts';

/**
 * Inserts many users at once, sharing one password hash (tests and benches: nobody logs in with
 * it), in multi-row INSERTs, and returns their ids in the order of `usernames`.
 */
export async function insertUsers(
  db: Pool,
  usernames: string[],
  passwordHash: string,
  role: 'user' | 'admin' = 'user',
  /** Each user's starting balance in cents, recorded in the ledger as a seed entry. */
  balance = 0,
): Promise<Array<{ id: number; username: string }>> {
  const users: Array<{ id: number; username: string }> = [];
  for (let from = 0; from < usernames.length; from += 2000) {
    const names = usernames.slice(from, from + 2000);
    await insertUserRows(
      db,
      names.map((n) => ({ username: n, skeleton: usernameSkeleton(n) })),
      passwordHash,
      role,
      balance,
    );
    const rows = await selectIdsByUsernames(db, names);
    const ids = new Map(rows.map((r) => [String(r.username), Number(r.id)]));
    for (const username of names) {
      const id = ids.get(username);
      if (!id) throw new Error(`user ${username} was not created`);
      users.push({ id, username });
    }
    if (balance > 0)
      await insertSeedEntries(
        db,
        names.map((n) => ({ userId: ids.get(n), amount: balance })),
      );
  }
  return users;
}
