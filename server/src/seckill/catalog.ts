import {
  AppError,
  type GoodsQuery,
  type Sale,
  type SaleFilter,
  type SaleStatus,
} from '@seckill/contracts';
import type { StockStore } from '@seckill/stock';
import type { GoodsRow, GoodsStore } from '../stores/goods.ts';

export function saleStatus(row: GoodsRow, stockLeft: number, now: number): SaleStatus {
  if (now < row.startAt.getTime()) return 'upcoming';
  if (now >= row.endAt.getTime()) return 'ended';
  return stockLeft > 0 ? 'active' : 'sold_out';
}

/** `queueOpensBeforeMs`: how long before its start a sale's waiting room opens. */
export function toSale(
  row: GoodsRow,
  stockLeft: number | null | undefined,
  now: number,
  queueOpensBeforeMs = 10 * 60_000,
): Sale {
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
    waitingRoom: row.waitingRoom,
    ...(row.waitingRoom
      ? { queueOpensAt: new Date(row.startAt.getTime() - queueOpensBeforeMs).toISOString() }
      : {}),
    ...(row.archivedAt ? { archivedAt: row.archivedAt.toISOString() } : {}),
  };
}

/** Whether a sale passes the storefront's filters; `active` is the whole window, sold out or not. */
export function matchesFilter(sale: Sale, statuses: SaleFilter[], q: string): boolean {
  if (q && !sale.name.toLocaleLowerCase().includes(q.toLocaleLowerCase())) return false;
  if (statuses.length === 0) return true;
  return statuses.some((f) =>
    f === 'active' ? sale.status === 'active' || sale.status === 'sold_out' : sale.status === f,
  );
}

const STATUS_RANK: Record<SaleStatus, number> = { active: 0, upcoming: 1, sold_out: 2, ended: 3 };

/**
 * The storefront's order across every page: on sale (ending soonest), starting soon (soonest
 * first), sold out (ending soonest), ended (most recently ended first); the id breaks ties so a
 * sale never moves between pages when nothing about it changed.
 */
export function compareForStorefront(a: Sale, b: Sale): number {
  const rank = STATUS_RANK[a.status] - STATUS_RANK[b.status];
  if (rank !== 0) return rank;
  const time = (s: Sale) => {
    if (s.status === 'upcoming') return Date.parse(s.startAt);
    if (s.status === 'ended') return -Date.parse(s.endAt);
    return Date.parse(s.endAt);
  };
  return time(a) - time(b) || a.id - b.id;
}

export interface SalePage {
  items: Sale[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * The sales as shoppers see them: details from MySQL (cached for a moment, dropped on any change
 * announced by an instance), stock left always live from Redis. The cache holds every sale, so
 * an id that is not in it does not exist: no query for it. When it expires, one request reloads
 * it and the others wait for that one.
 */
export class SaleCatalog {
  private cache: { rows: GoodsRow[]; byId: Map<number, GoodsRow>; until: number } | null = null;
  private loading: Promise<GoodsRow[]> | null = null;
  private generation = 0;

  constructor(
    private readonly goods: GoodsStore,
    private readonly stock: StockStore,
    private readonly queueOpensBeforeMs = 10 * 60_000,
    private readonly cacheMs = 1000,
  ) {}

  invalidate() {
    this.cache = null;
    this.generation += 1;
  }

  async rows(): Promise<GoodsRow[]> {
    return (await this.load()).rows;
  }

  private async load() {
    if (this.cache && this.cache.until > Date.now()) return this.cache;
    const generation = this.generation;
    this.loading ??= this.goods.list().finally(() => {
      this.loading = null;
    });
    const rows = await this.loading;
    const loaded = {
      rows,
      byId: new Map(rows.map((r) => [r.id, r])),
      until: Date.now() + this.cacheMs,
    };
    // A change announced while loading makes this list stale: the next caller loads afresh.
    if (generation === this.generation) this.cache = loaded;
    return loaded;
  }

  async list(): Promise<Sale[]> {
    const rows = await this.rows();
    const left = await this.stock.stockLeft(rows.map((r) => r.id));
    const now = Date.now();
    return rows.map((r) => toSale(r, left.get(r.id), now, this.queueOpensBeforeMs));
  }

  /** One page of the sales that pass the filters, in the storefront's order. */
  async page(query: GoodsQuery): Promise<SalePage> {
    const statuses = query.status ?? [];
    const q = query.q ?? '';
    // Sorted here, not in SQL: whether a sale is sold out is known only from Redis.
    const matching = (await this.list())
      .filter((sale) => matchesFilter(sale, statuses, q))
      .sort(compareForStorefront);
    const from = (query.page - 1) * query.pageSize;
    return {
      items: matching.slice(from, from + query.pageSize),
      total: matching.length,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  async get(id: number): Promise<Sale | null> {
    const row = (await this.load()).byId.get(id);
    if (!row) return null;
    const left = await this.stock.stockLeft([id]);
    return toSale(row, left.get(id), Date.now(), this.queueOpensBeforeMs);
  }

  /** Whether a sale exists, from the list of every sale. */
  async exists(id: number): Promise<boolean> {
    return (await this.load()).byId.has(id);
  }
}

/** Refusals an archived (or unknown) sale also gets: for one, the answer becomes 404. */
const CLOSED_REFUSALS = new Set(['BAD_PATH', 'ENDED', 'NOT_STARTED', 'RETRY']);

/**
 * Asked only once an order or path was refused, so the sale's existence costs an accepted order
 * nothing; an unreadable catalogue leaves the refusal as it was.
 */
export async function refusalFor(
  catalog: Pick<SaleCatalog, 'exists'>,
  goodsId: number,
  err: unknown,
): Promise<unknown> {
  if (!(err instanceof AppError) || !CLOSED_REFUSALS.has(err.code)) return err;
  const exists = await catalog.exists(goodsId).catch(() => true);
  return exists ? err : new AppError('NOT_FOUND', 'No such sale.');
}
