import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { AdminUser, PublicUser, Role } from '@seckill/contracts';
import { inTransaction, postEntries } from '@seckill/db';

export interface UserRow extends PublicUser {
  passwordHash: string;
}

interface UserRecord extends RowDataPacket {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
}

const toUser = (r: UserRecord): UserRow => ({
  id: r.id,
  username: r.username,
  role: r.role,
  passwordHash: r.password_hash,
});

export class UserStore {
  constructor(private readonly db: Pool) {}

  async findByUsername(username: string): Promise<UserRow | null> {
    const [rows] = await this.db.execute<UserRecord[]>(
      'SELECT id, username, password_hash, role FROM users WHERE username = ?',
      [username],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findById(id: number): Promise<UserRow | null> {
    const [rows] = await this.db.execute<UserRecord[]>(
      'SELECT id, username, password_hash, role FROM users WHERE id = ?',
      [id],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  /**
   * Returns null when the username is taken (the unique key decides, not a prior SELECT). A new
   * account starts with `signupCents` in its wallet, recorded in the ledger.
   */
  async create(
    username: string,
    passwordHash: string,
    signupCents: number,
  ): Promise<PublicUser | null> {
    try {
      return await inTransaction(this.db, async (tx) => {
        const [res] = await tx.execute<ResultSetHeader>(
          "INSERT INTO users (username, password_hash, role) VALUES (?, ?, 'user')",
          [username, passwordHash],
        );
        if (signupCents > 0)
          await postEntries(tx, [{ userId: res.insertId, amount: signupCents, kind: 'signup' }]);
        return { id: res.insertId, username, role: 'user' as const };
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'ER_DUP_ENTRY') return null;
      throw err;
    }
  }

  async setPasswordHash(id: number, passwordHash: string): Promise<void> {
    await this.db.execute('UPDATE users SET password_hash = ? WHERE id = ?', [passwordHash, id]);
  }

  /** Accounts whose name contains `q`, for the admin's wallet credit. */
  async search(q: string, limit: number): Promise<AdminUser[]> {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const [rows] = await this.db.query<RowDataPacket[]>(
      'SELECT id, username, role, balance FROM users WHERE username LIKE ? ORDER BY username LIMIT ?',
      [like, limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      username: String(r.username),
      role: r.role as Role,
      balance: Number(r.balance),
    }));
  }
}
