import type {
  Connection,
  Pool,
  PoolConnection,
  ResultSetHeader,
  RowDataPacket,
} from 'mysql2/promise';

/**
 * Every statement on `users` but the balance, which moves with the ledger (tables/wallet.ts).
 * Each takes the pool or the caller's transaction.
 */

export interface UserRecord extends RowDataPacket {
  id: number;
  username: string;
  password_hash: string;
  role: 'user' | 'admin';
}

/** Many users at once, sharing one password hash and starting balance. */
export async function insertUserRows(
  db: Pool,
  users: Array<{ username: string; skeleton: string }>,
  passwordHash: string,
  role: 'user' | 'admin',
  balance: number,
): Promise<void> {
  await db.query(
    'INSERT INTO users (username, username_skeleton, password_hash, role, balance) VALUES ?',
    [users.map((u) => [u.username, u.skeleton, passwordHash, role, balance])],
  );
}

export async function selectIdsByUsernames(db: Pool, usernames: string[]) {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT id, username FROM users WHERE username IN (?)',
    [usernames],
  );
  return rows;
}

export async function selectRolesByIds(db: Pool, ids: number[]) {
  const [rows] = await db.query<RowDataPacket[]>('SELECT id, role FROM users WHERE id IN (?)', [
    ids,
  ]);
  return rows;
}

export async function selectUserByUsername(db: Pool, username: string) {
  const [rows] = await db.execute<UserRecord[]>(
    'SELECT id, username, password_hash, role FROM users WHERE username = ?',
    [username],
  );
  return rows[0];
}

/** A shopper's account; its id. Throws ER_DUP_ENTRY when the name or its skeleton is taken. */
export async function insertShopper(
  tx: PoolConnection,
  username: string,
  skeleton: string,
  passwordHash: string,
): Promise<number> {
  const [res] = await tx.execute<ResultSetHeader>(
    "INSERT INTO users (username, username_skeleton, password_hash, role) VALUES (?, ?, ?, 'user')",
    [username, skeleton, passwordHash],
  );
  return res.insertId;
}

export async function updatePasswordHash(db: Pool, id: number, passwordHash: string) {
  await db.execute('UPDATE users SET password_hash = ? WHERE id = ?', [passwordHash, id]);
}

/** Accounts whose name is LIKE `like`, by name. */
export async function searchUsersLike(db: Pool, like: string, limit: number) {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT id, username, role, balance FROM users WHERE username LIKE ? ORDER BY username LIMIT ?',
    [like, limit],
  );
  return rows;
}

/** The seed's statements, sent as text (not prepared) as it always has. */
export async function seedSelectUserId(db: Pool, username: string) {
  const [rows] = await db.query<RowDataPacket[]>('SELECT id FROM users WHERE username = ?', [
    username,
  ]);
  return rows[0] as { id: number } | undefined;
}

export async function seedInsertUser(
  tx: PoolConnection,
  u: { username: string; skeleton: string; passwordHash: string; role: 'user' | 'admin' },
): Promise<number> {
  const [res] = await tx.query<ResultSetHeader>(
    'INSERT INTO users (username, username_skeleton, password_hash, role) VALUES (?, ?, ?, ?)',
    [u.username, u.skeleton, u.passwordHash, u.role],
  );
  return res.insertId;
}

export async function seedSelectPasswordHash(db: Pool, username: string) {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT id, password_hash FROM users WHERE username = ?',
    [username],
  );
  return rows[0] as { id: number; password_hash: string } | undefined;
}

export async function seedUpdatePasswordHash(db: Pool, id: number, passwordHash: string) {
  await db.query('UPDATE users SET password_hash = ? WHERE id = ?', [passwordHash, id]);
}

/** Accounts made before usernames had a skeleton (migration 007), by id, after `after`. */
export async function selectUsersWithoutSkeleton(conn: Connection, after: number, limit: number) {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT id, username FROM users WHERE id > ? AND username_skeleton IS NULL ORDER BY id LIMIT ?',
    [after, limit],
  );
  return rows;
}

export async function setUsernameSkeletons(
  conn: Connection,
  batch: Array<{ id: number; skeleton: string }>,
): Promise<void> {
  await conn.query(
    `UPDATE users SET username_skeleton = CASE id ${batch.map(() => 'WHEN ? THEN ?').join(' ')} END WHERE id IN (?)`,
    [...batch.flatMap((b) => [b.id, b.skeleton]), batch.map((b) => b.id)],
  );
}

export async function setUsernameSkeleton(
  conn: Connection,
  id: number,
  skeleton: string,
): Promise<void> {
  await conn.query('UPDATE users SET username_skeleton = ? WHERE id = ?', [skeleton, id]);
}
