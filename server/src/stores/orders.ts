import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Order } from '@seckill/contracts';

export class OrderStore {
  constructor(private readonly db: Pool) {}

  async listByUser(userId: number): Promise<Order[]> {
    const [rows] = await this.db.execute<RowDataPacket[]>(
      `SELECT o.id, o.goods_id, o.price, o.created_at, g.name, g.image_url
       FROM orders o JOIN goods g ON g.id = o.goods_id
       WHERE o.user_id = ? ORDER BY o.created_at DESC, o.id DESC LIMIT 200`,
      [userId],
    );
    return rows.map((r) => ({
      id: String(r.id),
      goodsId: Number(r.goods_id),
      goodsName: String(r.name),
      imageUrl: String(r.image_url),
      price: Number(r.price),
      createdAt: (r.created_at as Date).toISOString(),
    }));
  }
}
