import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { SaleCreateBody, SaleUpdateBody } from '@seckill/contracts';

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
   * Starts a new stock round: the sale's orders go, stock is set anew and the version moves on,
   * so order messages of the old round still in the queue are recognised and dropped.
   */
  async reset(id: number, stock: number): Promise<GoodsRow | null> {
    const conn = await this.db.getConnection();
    try {
      await conn.beginTransaction();
      const [locked] = await conn.execute<GoodsRecord[]>(
        `SELECT ${COLUMNS} FROM goods WHERE id = ? FOR UPDATE`,
        [id],
      );
      if (!locked[0]) {
        await conn.rollback();
        return null;
      }
      await conn.execute('DELETE FROM orders WHERE goods_id = ?', [id]);
      await conn.execute(
        'UPDATE goods SET stock_total = ?, stock_left = ?, version = version + 1 WHERE id = ?',
        [stock, stock, id],
      );
      await conn.commit();
      return {
        ...toGoods(locked[0]),
        stockTotal: stock,
        stockLeft: stock,
        version: locked[0].version + 1,
      };
    } catch (err) {
      await conn.rollback().catch(() => {});
      throw err;
    } finally {
      conn.release();
    }
  }

  async orderCounts(): Promise<Map<number, number>> {
    const [rows] = await this.db.query<RowDataPacket[]>(
      'SELECT goods_id, COUNT(*) AS n FROM orders GROUP BY goods_id',
    );
    return new Map(rows.map((r) => [Number(r.goods_id), Number(r.n)]));
  }

  /** The buyers of a sale's current round, to rebuild Redis buyer marks from MySQL. */
  async buyers(goodsId: number): Promise<Array<{ userId: number; orderId: string }>> {
    const [rows] = await this.db.execute<RowDataPacket[]>(
      'SELECT user_id, id FROM orders WHERE goods_id = ?',
      [goodsId],
    );
    return rows.map((r) => ({ userId: Number(r.user_id), orderId: String(r.id) }));
  }
}
