import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { PublicUser, Role } from '@seckill/contracts';

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

  /** Returns null when the username is taken (the unique key decides, not a prior SELECT). */
  async create(username: string, passwordHash: string): Promise<PublicUser | null> {
    try {
      const [res] = await this.db.execute<ResultSetHeader>(
        "INSERT INTO users (username, password_hash, role) VALUES (?, ?, 'user')",
        [username, passwordHash],
      );
      return { id: res.insertId, username, role: 'user' };
    } catch (err) {
      if ((err as { code?: string }).code === 'ER_DUP_ENTRY') return null;
      throw err;
    }
  }
}
