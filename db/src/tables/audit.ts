import type { PoolConnection, RowDataPacket } from 'mysql2/promise';

export type AuditAction =
  'create' | 'edit' | 'reset' | 'archive' | 'restore' | 'repair' | 'wallet_credit';

export interface AuditLine {
  actorId: number;
  action: AuditAction;
  goodsId?: number | null;
  /** The user an action was about (a wallet credit). */
  userId?: number | null;
  before?: unknown;
  after?: unknown;
}

type Runner = Pick<PoolConnection, 'execute'>;

/** Appends one line to the audit log; inside the action's transaction where it has one. */
export async function recordAudit(tx: Runner, line: AuditLine): Promise<void> {
  await tx.execute(
    `INSERT INTO audit_log (actor_id, action, goods_id, user_id, before_json, after_json)
     VALUES (?, ?, ?, ?, ?, ?)`,
    [
      line.actorId,
      line.action,
      line.goodsId ?? null,
      line.userId ?? null,
      line.before === undefined ? null : JSON.stringify(line.before),
      line.after === undefined ? null : JSON.stringify(line.after),
    ],
  );
}

export interface AuditRow {
  id: string;
  at: Date;
  actorId: number;
  actor: string;
  action: AuditAction;
  goodsId: number | null;
  userId: number | null;
  before: unknown;
  after: unknown;
}

const parseJson = (v: unknown): unknown =>
  v == null ? null : typeof v === 'string' ? (JSON.parse(v) as unknown) : v;

/** A page of the audit log, newest first, of one sale or all. */
export async function auditPage(
  db: Pick<PoolConnection, 'query'>,
  opts: { goodsId?: number; page: number; pageSize: number },
): Promise<{ items: AuditRow[]; total: number }> {
  const where = opts.goodsId === undefined ? '' : 'WHERE a.goods_id = ?';
  const args = opts.goodsId === undefined ? [] : [opts.goodsId];
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT a.id, a.at, a.actor_id, u.username, a.action, a.goods_id, a.user_id, a.before_json, a.after_json
     FROM audit_log a JOIN users u ON u.id = a.actor_id ${where}
     ORDER BY a.id DESC LIMIT ? OFFSET ?`,
    [...args, opts.pageSize, (opts.page - 1) * opts.pageSize],
  );
  const [count] = await db.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS n FROM audit_log a ${where}`,
    args,
  );
  return {
    items: rows.map((r) => ({
      id: String(r.id),
      at: r.at as Date,
      actorId: Number(r.actor_id),
      actor: String(r.username),
      action: r.action as AuditAction,
      goodsId: r.goods_id == null ? null : Number(r.goods_id),
      userId: r.user_id == null ? null : Number(r.user_id),
      before: parseJson(r.before_json),
      after: parseJson(r.after_json),
    })),
    total: Number(count[0]?.n ?? 0),
  };
}
