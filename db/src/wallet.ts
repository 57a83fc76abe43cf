import type { PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';

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

/** A refund the sale owes: the buyer of a paid order of a round a reset closed. */
export interface Refund {
  userId: number;
  orderId: string;
  amount: number;
}

/**
 * Ends a sale's stock round (the caller holds the goods row lock): its live orders are cancelled,
 * and the paid ones are handed to `refund`, all in the caller's transaction.
 */
export async function closeRound(
  tx: PoolConnection,
  goodsId: number,
  refund: (tx: PoolConnection, refunds: Refund[]) => Promise<void>,
): Promise<{ cancelled: number; refunded: number; refundCents: number }> {
  const [live] = await tx.execute<RowDataPacket[]>(
    `SELECT id, user_id, price, status FROM orders
     WHERE goods_id = ? AND status IN ('pending_payment', 'paid') FOR UPDATE`,
    [goodsId],
  );
  if (live.length === 0) return { cancelled: 0, refunded: 0, refundCents: 0 };
  await tx.execute(
    `UPDATE orders SET status = 'cancelled', cancelled_at = NOW(3)
     WHERE goods_id = ? AND status IN ('pending_payment', 'paid')`,
    [goodsId],
  );
  const refunds: Refund[] = live
    .filter((r) => r.status === 'paid')
    .map((r) => ({ userId: Number(r.user_id), orderId: String(r.id), amount: Number(r.price) }));
  await refund(tx, refunds);
  return {
    cancelled: live.length,
    refunded: refunds.length,
    refundCents: refunds.reduce((sum, r) => sum + r.amount, 0),
  };
}

/** The wallet's own refunds: the price goes back to the buyer's balance, one entry per order. */
export async function refundToWallet(tx: PoolConnection, refunds: Refund[]): Promise<void> {
  await postEntries(
    tx,
    refunds.map((r) => ({
      userId: r.userId,
      orderId: r.orderId,
      amount: r.amount,
      kind: 'refund' as const,
      note: 'stock reset',
    })),
  );
}
