import type { WalletEntry, WalletEntryKind, WalletResponse } from '@seckill/contracts';
import {
  inTransaction,
  lockBalance,
  postEntries,
  recordAudit,
  selectLastEntry,
  selectWallet,
} from '@seckill/db';
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
  const { user, entries, total } = await selectWallet(db, userId, pageSize, (page - 1) * pageSize);
  if (!user) return null;
  return { balance: Number(user.balance), entries: entries.map(toEntry), page, pageSize, total };
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
    const user = await lockBalance(tx, userId);
    if (!user) return null;
    const before = Number(user.balance);
    await postEntries(tx, [{ userId, amount, kind: 'credit', note, actorId }]);
    const row = await selectLastEntry(tx, userId);
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
