import type { Pool, PoolConnection } from 'mysql2/promise';
import type { ResetPreview, SaleCreateBody, SaleUpdateBody } from '@seckill/contracts';
import {
  closeRound,
  inTransaction,
  insertGoods,
  lockGoods,
  recordAudit,
  restockGoods,
  selectArchivedGoods,
  selectGoods,
  selectListedGoods,
  selectLiveTotalsOfSale,
  selectRoundBuyers,
  selectRoundCounts,
  setGoodsArchived,
  updateGoodsDetails,
  type GoodsRecord,
  type Refund,
} from '@seckill/db';

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
  /** Off the storefront since then; null while on sale. */
  archivedAt: Date | null;
  waitingRoom: boolean;
}

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
  archivedAt: r.archived_at,
  waitingRoom: r.waiting_room === 1,
});

/** A sale's editable details as the audit log keeps them. */
const detailsOf = (g: GoodsRow) => ({
  name: g.name,
  description: g.description,
  imageUrl: g.imageUrl,
  price: g.price,
  seckillPrice: g.seckillPrice,
  startAt: g.startAt.toISOString(),
  endAt: g.endAt.toISOString(),
  waitingRoom: g.waitingRoom,
});

export class GoodsStore {
  constructor(private readonly db: Pool) {}

  /** The sales on the storefront (not archived). */
  async list(): Promise<GoodsRow[]> {
    return (await selectListedGoods(this.db)).map(toGoods);
  }

  /** Archived sales, most recently archived first. */
  async listArchived(limit: number): Promise<GoodsRow[]> {
    return (await selectArchivedGoods(this.db, limit)).map(toGoods);
  }

  /** Any sale, archived or not. */
  async get(id: number): Promise<GoodsRow | null> {
    const row = await selectGoods(this.db, id);
    return row ? toGoods(row) : null;
  }

  private async lock(tx: PoolConnection, id: number): Promise<GoodsRow | null> {
    const row = await lockGoods(tx, id);
    return row ? toGoods(row) : null;
  }

  /** `actorId` null: made by a test or a tool, not an admin, so no audit line. */
  async create(s: SaleCreateBody, actorId: number | null): Promise<number> {
    return inTransaction(this.db, async (tx) => {
      const id = await insertGoods(tx, {
        ...s,
        startAt: new Date(s.startAt),
        endAt: new Date(s.endAt),
        waitingRoom: Boolean(s.waitingRoom),
      });
      const row = await this.lock(tx, id);
      if (actorId === null) return id;
      await recordAudit(tx, {
        actorId,
        action: 'create',
        goodsId: id,
        after: row && { ...detailsOf(row), stock: row.stockTotal },
      });
      return id;
    });
  }

  /** Edits a sale's details; its stock and stock round stay as they are. */
  async update(id: number, s: SaleUpdateBody, actorId: number): Promise<boolean> {
    return inTransaction(this.db, async (tx) => {
      const before = await this.lock(tx, id);
      if (!before) return false;
      await updateGoodsDetails(tx, id, {
        ...s,
        startAt: new Date(s.startAt),
        endAt: new Date(s.endAt),
        waitingRoom: s.waitingRoom ?? before.waitingRoom,
      });
      const after = await this.lock(tx, id);
      await recordAudit(tx, {
        actorId,
        action: 'edit',
        goodsId: id,
        before: detailsOf(before),
        after: after && detailsOf(after),
      });
      return true;
    });
  }

  /** Takes a sale off the storefront; its orders and books stay. False if there is no such sale. */
  async archive(id: number, actorId: number, liveOrders: number): Promise<boolean> {
    return this.setArchived(id, actorId, true, liveOrders);
  }

  async restore(id: number, actorId: number): Promise<boolean> {
    return this.setArchived(id, actorId, false, null);
  }

  private async setArchived(
    id: number,
    actorId: number,
    archive: boolean,
    liveOrders: number | null,
  ): Promise<boolean> {
    return inTransaction(this.db, async (tx) => {
      const row = await this.lock(tx, id);
      if (!row) return false;
      // Archiving twice (or restoring a sale on sale) changes nothing and records nothing.
      if ((row.archivedAt !== null) === archive) return true;
      await setGoodsArchived(tx, id, archive);
      const after = await this.lock(tx, id);
      await recordAudit(tx, {
        actorId,
        action: archive ? 'archive' : 'restore',
        goodsId: id,
        before: { archivedAt: row.archivedAt?.toISOString() ?? null },
        after: {
          archivedAt: after?.archivedAt?.toISOString() ?? null,
          ...(liveOrders === null ? {} : { liveOrders }),
        },
      });
      return true;
    });
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
    actorId: number,
  ): Promise<{ row: GoodsRow; cancelled: number; refunded: number; refundCents: number } | null> {
    return inTransaction(this.db, async (tx) => {
      const locked = await this.lock(tx, id);
      if (!locked) return null;
      const closed = await closeRound(tx, id, refund);
      await restockGoods(tx, id, stock);
      const row = { ...locked, stockTotal: stock, stockLeft: stock, version: locked.version + 1 };
      await recordAudit(tx, {
        actorId,
        action: 'reset',
        goodsId: id,
        before: {
          stockTotal: locked.stockTotal,
          stockLeft: locked.stockLeft,
          round: locked.version,
        },
        after: { stockTotal: stock, stockLeft: stock, round: row.version, ...closed },
      });
      return { row, ...closed };
    });
  }

  /** What a reset would undo now: pending orders to cancel, paid ones to refund. */
  async resetPreview(id: number): Promise<ResetPreview> {
    const r = await selectLiveTotalsOfSale(this.db, id);
    return {
      pending: Number(r?.pending ?? 0),
      paid: Number(r?.paid ?? 0),
      refundCents: Number(r?.refund ?? 0),
    };
  }

  /** Orders of each sale's current round by state, and the paid orders' revenue. */
  async orderCounts(): Promise<Map<number, OrderCounts>> {
    const rows = await selectRoundCounts(this.db);
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
    return (await selectRoundBuyers(this.db, goodsId)).map((r) => ({
      userId: Number(r.user_id),
      orderId: String(r.id),
    }));
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
