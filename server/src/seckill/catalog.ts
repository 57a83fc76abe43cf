import type { Sale, SaleStatus } from '@seckill/contracts';
import type { StockStore } from '@seckill/stock';
import type { GoodsRow, GoodsStore } from '../stores/goods.ts';

export function saleStatus(row: GoodsRow, stockLeft: number, now: number): SaleStatus {
  if (now < row.startAt.getTime()) return 'upcoming';
  if (now >= row.endAt.getTime()) return 'ended';
  return stockLeft > 0 ? 'active' : 'sold_out';
}

export function toSale(row: GoodsRow, stockLeft: number | null | undefined, now: number): Sale {
  const left = stockLeft ?? row.stockLeft;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    imageUrl: row.imageUrl,
    price: row.price,
    seckillPrice: row.seckillPrice,
    stock: row.stockTotal,
    stockLeft: Math.max(0, left),
    startAt: row.startAt.toISOString(),
    endAt: row.endAt.toISOString(),
    status: saleStatus(row, left, now),
  };
}

/**
 * The sales as shoppers see them: details from MySQL (cached for a moment, dropped on any change
 * announced by an instance), stock left always live from Redis.
 */
export class SaleCatalog {
  private cache: { rows: GoodsRow[]; until: number } | null = null;

  constructor(
    private readonly goods: GoodsStore,
    private readonly stock: StockStore,
    private readonly cacheMs = 1000,
  ) {}

  invalidate() {
    this.cache = null;
  }

  async rows(): Promise<GoodsRow[]> {
    if (this.cache && this.cache.until > Date.now()) return this.cache.rows;
    const rows = await this.goods.list();
    this.cache = { rows, until: Date.now() + this.cacheMs };
    return rows;
  }

  async list(): Promise<Sale[]> {
    const rows = await this.rows();
    const left = await this.stock.stockLeft(rows.map((r) => r.id));
    const now = Date.now();
    return rows.map((r) => toSale(r, left.get(r.id), now));
  }

  async get(id: number): Promise<Sale | null> {
    const row = (await this.rows()).find((r) => r.id === id) ?? (await this.goods.get(id));
    if (!row) return null;
    const left = await this.stock.stockLeft([id]);
    return toSale(row, left.get(id), Date.now());
  }

  /** Whether a sale exists, from the cached list when it is there. */
  async exists(id: number): Promise<boolean> {
    if ((await this.rows()).some((r) => r.id === id)) return true;
    return (await this.goods.get(id)) !== null;
  }
}
