import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { ResetPreview, SaleCreateBody, SaleUpdateBody } from '@seckill/contracts';
import { closeRound, inTransaction, type Refund } from '@seckill/db';

/** A sale as MySQL holds it (prices in cents, times as Dates). */
export interface GoodsRow {
  id: number;
  name: string;
  description: string;
  imageUrl: string;
  price: number;
  seckillPrice: number;
  stockTotal: number;
  stockLeft: number;
  startAt: Date;
  endAt: Date;
  version: number;
}

interface GoodsRecord extends RowDataPacket {
  id: number;
  name: string;
  description: string;
  image_url: string;
  price: number;
  seckill_price: number;
  stock_total: number;
  stock_left: number;
  start_at: Date;
  end_at: Date;
  version: number;
}

const COLUMNS =
  'id, name, description, image_url, price, seckill_price, stock_total, stock_left, start_at, end_at, version';

const toGoods = (r: GoodsRecord): GoodsRow => ({
  id: r.id,
  name: r.name,
  description: r.description,
  imageUrl: r.image_url,
  price: r.price,
  seckillPrice: r.seckill_price,
  stockTotal: r.stock_total,
  stockLeft: r.stock_left,
  startAt: r.start_at,
  endAt: r.end_at,
  version: r.version,
});

export class GoodsStore {
  constructor(private readonly db: Pool) {}

  async list(): Promise<GoodsRow[]> {
    const [rows] = await this.db.query<GoodsRecord[]>(
      `SELECT ${COLUMNS} FROM goods ORDER BY start_at DESC, id DESC`,
    );
    return rows.map(toGoods);
  }

  async get(id: number): Promise<GoodsRow | null> {
    const [rows] = await this.db.execute<GoodsRecord[]>(
      `SELECT ${COLUMNS} FROM goods WHERE id = ?`,
      [id],
    );
    return rows[0] ? toGoods(rows[0]) : null;
  }

  async create(s: SaleCreateBody): Promise<number> {
    const [res] = await this.db.execute<ResultSetHeader>(
      `INSERT INTO goods (name, description, image_url, price, seckill_price, stock_total, stock_left, start_at, end_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        s.name,
        s.description,
        s.imageUrl,
        s.price,
        s.seckillPrice,
        s.stock,
        s.stock,
        new Date(s.startAt),
        new Date(s.endAt),
      ],
    );
    return res.insertId;
  }

  /** Edits a sale's details; its stock and stock round stay as they are. */
  async update(id: number, s: SaleUpdateBody): Promise<boolean> {
    const [res] = await this.db.execute<ResultSetHeader>(
      `UPDATE goods SET name = ?, description = ?, image_url = ?, price = ?, seckill_price = ?, start_at = ?, end_at = ?
       WHERE id = ?`,
      [
        s.name,
        s.description,
        s.imageUrl,
        s.price,
        s.seckillPrice,
        new Date(s.startAt),
        new Date(s.endAt),
        id,
      ],
    );
    return res.affectedRows === 1;
  }

  /**
   * Starts a new stock round: the sale's live orders are cancelled (the paid ones handed to
   * `refund`, in the same transaction), stock is set anew and the version moves on, so order
   * messages of the old round still in the queue are recognised and dropped.
   */
  async reset(
    id: number,
    stock: number,
    refund: (tx: PoolConnection, refunds: Refund[]) => Promise<void>,
  ): Promise<{ row: GoodsRow; cancelled: number; refunded: number; refundCents: number } | null> {
    return inTransaction(this.db, async (tx) => {
      const [locked] = await tx.execute<GoodsRecord[]>(
        `SELECT ${COLUMNS} FROM goods WHERE id = ? FOR UPDATE`,
        [id],
      );
      if (!locked[0]) return null;
      const closed = await closeRound(tx, id, refund);
      await tx.execute(
        'UPDATE goods SET stock_total = ?, stock_left = ?, version = version + 1 WHERE id = ?',
        [stock, stock, id],
      );
      const row = {
        ...toGoods(locked[0]),
        stockTotal: stock,
        stockLeft: stock,
        version: locked[0].version + 1,
      };
      return { row, ...closed };
    });
  }

  /** What a reset would undo now: pending orders to cancel, paid ones to refund. */
  async resetPreview(id: number): Promise<ResetPreview> {
    const [rows] = await this.db.execute<RowDataPacket[]>(
      `SELECT SUM(status = 'pending_payment') AS pending, SUM(status = 'paid') AS paid,
         SUM(IF(status = 'paid', price, 0)) AS refund
       FROM orders WHERE goods_id = ? AND status IN ('pending_payment', 'paid')`,
      [id],
    );
    const r = rows[0];
    return {
      pending: Number(r?.pending ?? 0),
      paid: Number(r?.paid ?? 0),
      refundCents: Number(r?.refund ?? 0),
    };
  }

  /** Orders of each sale's current round by state, and the paid orders' revenue. */
  async orderCounts(): Promise<Map<number, OrderCounts>> {
    const [rows] = await this.db.query<RowDataPacket[]>(
      `SELECT o.goods_id, o.status, COUNT(*) AS n, SUM(o.price) AS cents
       FROM orders o JOIN goods g ON g.id = o.goods_id AND o.round = g.version
       GROUP BY o.goods_id, o.status`,
    );
    const counts = new Map<number, OrderCounts>();
    for (const r of rows) {
      const id = Number(r.goods_id);
      const c = counts.get(id) ?? { ...NO_ORDERS };
      const n = Number(r.n);
      if (r.status === 'pending_payment') c.pending = n;
      else if (r.status === 'paid') {
        c.paid = n;
        c.revenue = Number(r.cents);
      } else if (r.status === 'cancelled') c.cancelled = n;
      else if (r.status === 'expired') c.expired = n;
      counts.set(id, c);
    }
    return counts;
  }

  /** The live orders of a sale's current round, to rebuild Redis buyer marks from MySQL. */
  async buyers(goodsId: number): Promise<Array<{ userId: number; orderId: string }>> {
    const [rows] = await this.db.execute<RowDataPacket[]>(
      `SELECT o.user_id, o.id FROM orders o JOIN goods g ON g.id = o.goods_id AND o.round = g.version
       WHERE o.goods_id = ? AND o.status IN ('pending_payment', 'paid')`,
      [goodsId],
    );
    return rows.map((r) => ({ userId: Number(r.user_id), orderId: String(r.id) }));
  }
}

export interface OrderCounts {
  pending: number;
  paid: number;
  cancelled: number;
  expired: number;
  revenue: number;
}
export const NO_ORDERS: OrderCounts = { pending: 0, paid: 0, cancelled: 0, expired: 0, revenue: 0 };
