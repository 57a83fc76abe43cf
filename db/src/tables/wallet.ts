import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';

// Every statement on the wallet: `users.balance` and `wallet_entries`.

/** Kinds of ledger entries; only a debit is negative. */
export type WalletKind = 'signup' | 'seed' | 'credit' | 'debit' | 'refund';

export interface LedgerLine {
  userId: number;
  amount: number;
  kind: WalletKind;
  orderId?: string | null;
  note?: string | null;
  actorId?: number | null;
}

/**
 * The wallet's two tables move together: `users.balance` (never below zero: the debit's WHERE) and
 * the append-only `wallet_entries`, whose UNIQUE (order_id, kind) allows one debit and one refund
 * per order. Call inside a transaction.
 */
export async function postEntries(tx: PoolConnection, lines: LedgerLine[]): Promise<void> {
  if (lines.length === 0) return;
  const byUser = new Map<number, number>();
  for (const l of lines) byUser.set(l.userId, (byUser.get(l.userId) ?? 0) + l.amount);
  for (const [userId, delta] of byUser) {
    const [res] = await tx.execute<ResultSetHeader>(
      'UPDATE users SET balance = balance + ? WHERE id = ? AND balance + ? >= 0',
      [delta, userId, delta],
    );
    if (res.affectedRows !== 1) throw new InsufficientFunds(userId);
  }
  await tx.query(
    'INSERT INTO wallet_entries (user_id, order_id, amount, kind, note, actor_id) VALUES ?',
    [
      lines.map((l) => [
        l.userId,
        l.orderId ?? null,
        l.amount,
        l.kind,
        l.note ?? null,
        l.actorId ?? null,
      ]),
    ],
  );
}

/** The balance would go below zero (or the user does not exist): nothing was written. */
export class InsufficientFunds extends Error {
  constructor(readonly userId: number) {
    super(`user ${userId} cannot pay this`);
    this.name = 'InsufficientFunds';
  }
}

/** The ledger's seed entries of many users at once (tests and benches). */
export async function insertSeedEntries(
  db: Pool,
  entries: Array<{ userId: number | undefined; amount: number }>,
): Promise<void> {
  await db.query('INSERT INTO wallet_entries (user_id, amount, kind) VALUES ?', [
    entries.map((e) => [e.userId, e.amount, 'seed']),
  ]);
}

/** A user's balance, a page of their ledger newest first, and its length. */
export async function selectWallet(db: Pool, userId: number, limit: number, offset: number) {
  const [[user], [entries], [count]] = await Promise.all([
    db.execute<RowDataPacket[]>('SELECT balance FROM users WHERE id = ?', [userId]),
    db.query<RowDataPacket[]>(
      `SELECT id, kind, amount, order_id, note, created_at FROM wallet_entries
       WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?`,
      [userId, limit, offset],
    ),
    db.execute<RowDataPacket[]>('SELECT COUNT(*) AS n FROM wallet_entries WHERE user_id = ?', [
      userId,
    ]),
  ]);
  return { user: user[0], entries, total: Number(count[0]?.n ?? 0) };
}

export async function lockBalance(tx: PoolConnection, userId: number) {
  const [rows] = await tx.execute<RowDataPacket[]>(
    'SELECT id, balance FROM users WHERE id = ? FOR UPDATE',
    [userId],
  );
  return rows[0];
}

/** The user's newest ledger entry, with their balance after it. */
export async function selectLastEntry(tx: PoolConnection, userId: number) {
  const [rows] = await tx.execute<RowDataPacket[]>(
    `SELECT e.id, e.kind, e.amount, e.order_id, e.note, e.created_at, u.balance
     FROM wallet_entries e JOIN users u ON u.id = e.user_id
     WHERE e.user_id = ? ORDER BY e.id DESC LIMIT 1`,
    [userId],
  );
  return rows[0];
}

/** A sale's money: each order against its debits and refunds in the ledger. */
const SALE_MONEY_SQL = `
  SELECT
    COALESCE(SUM(debit), 0) AS debits,
    COALESCE(SUM(refund), 0) AS refunds,
    COALESCE(SUM(IF(status = 'paid', price, 0)), 0) AS paid_prices,
    COALESCE(SUM((status = 'paid' AND (debits <> 1 OR debit <> price)) OR refunds > debits), 0) AS mismatched,
    COALESCE(SUM((status = 'paid' AND refunds > 0) OR (status <> 'paid' AND debits > refunds)), 0) AS paid_and_returned
  FROM (
    SELECT o.id, o.status, o.price,
      COALESCE(-SUM(IF(w.kind = 'debit', w.amount, 0)), 0) AS debit,
      COALESCE(SUM(IF(w.kind = 'refund', w.amount, 0)), 0) AS refund,
      COUNT(IF(w.kind = 'debit', 1, NULL)) AS debits,
      COUNT(IF(w.kind = 'refund', 1, NULL)) AS refunds
    FROM orders o LEFT JOIN wallet_entries w ON w.order_id = o.id
    WHERE o.goods_id = ? GROUP BY o.id
  ) t`;

export async function selectSaleMoney(db: Pool | PoolConnection, goodsId: number) {
  const [rows] = await db.query<RowDataPacket[]>(SALE_MONEY_SQL, [goodsId]);
  return rows;
}
