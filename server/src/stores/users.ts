import DataLoader from 'dataloader';
import type { Pool } from 'mysql2/promise';
import type { AdminUser, PublicUser, Role } from '@seckill/contracts';
import {
  inTransaction,
  insertShopper,
  postEntries,
  searchUsersLike,
  selectRolesByIds,
  selectUserByUsername,
  updatePasswordHash,
  usernameSkeleton,
  type UserRecord,
} from '@seckill/db';

export interface UserRow extends PublicUser {
  passwordHash: string;
}

const toUser = (r: UserRecord): UserRow => ({
  id: r.id,
  username: r.username,
  role: r.role,
  passwordHash: r.password_hash,
});

/** Account reads gathered into one query at most. */
const ACCOUNTS_PER_QUERY = 200;

export class UserStore {
  /**
   * The account checks of requests that arrive together, as one query: under a crowd each path
   * request reads its account, and one query per read cost the API a write to MySQL each
   * (measured: a third of a path request). Nothing is cached: every read is made after its
   * request came, so a deleted or demoted account loses access at once, as with one query each.
   */
  private readonly accounts = new DataLoader<number, { role: Role } | null>(
    async (ids) => {
      const rows = await selectRolesByIds(this.db, [...new Set(ids)]);
      const roles = new Map(rows.map((r) => [Number(r.id), { role: r.role as Role }]));
      return ids.map((id) => roles.get(id) ?? null);
    },
    { cache: false, maxBatchSize: ACCOUNTS_PER_QUERY },
  );

  constructor(private readonly db: Pool) {}

  /** The account's role as MySQL has it now, or null when it is gone (read with others, above). */
  account(id: number): Promise<{ role: Role } | null> {
    return this.accounts.load(id);
  }

  async findByUsername(username: string): Promise<UserRow | null> {
    const row = await selectUserByUsername(this.db, username);
    return row ? toUser(row) : null;
  }

  /**
   * Returns null when the username is taken, or looks like a taken one (its skeleton is): the
   * unique keys decide, not a prior SELECT. A new account starts with `signupCents` in its
   * wallet, recorded in the ledger.
   */
  async create(
    username: string,
    passwordHash: string,
    signupCents: number,
  ): Promise<PublicUser | null> {
    try {
      return await inTransaction(this.db, async (tx) => {
        const id = await insertShopper(tx, username, usernameSkeleton(username), passwordHash);
        if (signupCents > 0)
          await postEntries(tx, [{ userId: id, amount: signupCents, kind: 'signup' }]);
        return { id, username, role: 'user' as const };
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'ER_DUP_ENTRY') return null;
      throw err;
    }
  }

  async setPasswordHash(id: number, passwordHash: string): Promise<void> {
    await updatePasswordHash(this.db, id, passwordHash);
  }

  /** Accounts whose name contains `q`, for the admin's wallet credit. */
  async search(q: string, limit: number): Promise<AdminUser[]> {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await searchUsersLike(this.db, like, limit);
    return rows.map((r) => ({
      id: Number(r.id),
      username: String(r.username),
      role: r.role as Role,
      balance: Number(r.balance),
    }));
  }
}
