import type { WalletEntry, WalletEntryKind, WalletResponse } from '@seckill/contracts';
import { inTransaction, postEntries, recordAudit } from '@seckill/db';
import type { Pool, RowDataPacket } from 'mysql2/promise';

function toEntry(r: RowDataPacket): WalletEntry {
  const e: WalletEntry = {
    id: String(r.id),
    kind: r.kind as WalletEntryKind,
    amount: Number(r.amount),
    createdAt: (r.created_at as Date).toISOString(),
  };
  if (r.order_id != null) e.orderId = String(r.order_id);
  if (r.note != null) e.note = String(r.note);
  return e;
}

/** A user's balance and a page of their ledger, newest first; null if there is no such user. */
export async function walletOf(
  db: Pool,
  userId: number,
  page: number,
  pageSize: number,
): Promise<WalletResponse | null> {
  const [[user], [entries], [count]] = await Promise.all([
    db.execute<RowDataPacket[]>('SELECT balance FROM users WHERE id = ?', [userId]),
    db.query<RowDataPacket[]>(
      `SELECT id, kind, amount, order_id, note, created_at FROM wallet_entries
       WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?`,
      [userId, pageSize, (page - 1) * pageSize],
    ),
    db.execute<RowDataPacket[]>('SELECT COUNT(*) AS n FROM wallet_entries WHERE user_id = ?', [
      userId,
    ]),
  ]);
  if (!user[0]) return null;
  return {
    balance: Number(user[0].balance),
    entries: entries.map(toEntry),
    page,
    pageSize,
    total: Number(count[0]?.n ?? 0),
  };
}

/** An admin's credit to a user's wallet, in the ledger with who gave it and why, and in the audit log. */
export async function creditWallet(
  db: Pool,
  userId: number,
  amount: number,
  note: string,
  actorId: number,
): Promise<{ balance: number; entry: WalletEntry } | null> {
  return inTransaction(db, async (tx) => {
    const [user] = await tx.execute<RowDataPacket[]>(
      'SELECT id, balance FROM users WHERE id = ? FOR UPDATE',
      [userId],
    );
    if (!user[0]) return null;
    const before = Number(user[0].balance);
    await postEntries(tx, [{ userId, amount, kind: 'credit', note, actorId }]);
    const [rows] = await tx.execute<RowDataPacket[]>(
      `SELECT e.id, e.kind, e.amount, e.order_id, e.note, e.created_at, u.balance
       FROM wallet_entries e JOIN users u ON u.id = e.user_id
       WHERE e.user_id = ? ORDER BY e.id DESC LIMIT 1`,
      [userId],
    );
    const row = rows[0];
    if (!row) throw new Error('credit not recorded');
    await recordAudit(tx, {
      actorId,
      action: 'wallet_credit',
      userId,
      before: { balance: before },
      after: { balance: Number(row.balance), amount, note },
    });
    return { balance: Number(row.balance), entry: toEntry(row) };
  });
}
