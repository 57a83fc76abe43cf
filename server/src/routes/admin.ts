import Router from '@koa/router';
import {
  AdminGoodsQuery,
  ArchiveQuery,
  AuditQuery,
  CreditBody,
  IdParam,
  type AdminSaleListResponse,
  type AuditResponse,
  UserSearchQuery,
  type AdminUserListResponse,
  type CreditResponse,
  type ResetPreview,
  type ResetResponse,
  type ConsistencyResponse,
  liveQuery,
  type LiveResponse,
  type ReconcileResponse,
  ResetBody,
  SaleCreateBody,
  SaleUpdateBody,
  type SaleResponse,
  type SaleStats,
  type StatsResponse,
} from '@seckill/contracts';
import { auditPage, recordAudit } from '@seckill/db';
import { readLiveWindow } from '@seckill/metrics';
import { creditWallet } from '@seckill/orders';
import { currentUser, requireAdmin, requireLiveUser } from '../http/auth.ts';
import { parse } from '../http/body.ts';
import { AppError } from '../http/errors.ts';
import { saleStatus, toSale } from '../seckill/catalog.ts';
import { checkSale } from '../seckill/consistency.ts';
import type { Services } from '../services.ts';
import { NO_ORDERS, type GoodsRow } from '../stores/goods.ts';

export function adminRoutes(s: Services): Router {
  const r = new Router();
  r.use(
    '/api/admin',
    requireLiveUser(s.tokens, (id) => s.users.account(id)),
    requireAdmin,
  );

  /** After any change: load the sale into Redis and tell every instance. */
  async function publish(row: GoodsRow, reset: boolean) {
    await s.reconciler.load(row, reset);
    s.catalog.invalidate();
    s.soldOut.clear(row.id);
    await s.events.announce({ type: 'changed', goodsId: row.id });
  }

  async function saleOf(id: number) {
    const row = await s.goods.get(id);
    if (!row) throw new AppError('NOT_FOUND', 'No such sale.');
    const left = await s.stock.stockLeft([id]);
    return toSale(row, left.get(id), Date.now(), s.config.queue.opensBeforeMs);
  }

  const actorOf = (state: Parameters<typeof currentUser>[0]) => currentUser(state).id;

  r.get('/api/admin/goods', async (ctx) => {
    const query = parse(AdminGoodsQuery, { ...ctx.query });
    ctx.set('Cache-Control', 'no-store');
    if (query.archived === '1') {
      const rows = await s.goods.listArchived(1000);
      const left = await s.stock.stockLeft(rows.map((g) => g.id));
      const now = Date.now();
      ctx.body = {
        items: rows.map((g) => toSale(g, left.get(g.id), now, s.config.queue.opensBeforeMs)),
        serverTime: new Date(now).toISOString(),
      } satisfies AdminSaleListResponse;
      return;
    }
    s.catalog.invalidate();
    ctx.body = {
      items: await s.catalog.list(),
      serverTime: new Date().toISOString(),
    } satisfies AdminSaleListResponse;
  });

  r.post('/api/admin/goods', async (ctx) => {
    const body = parse(SaleCreateBody, ctx.request.body);
    const id = await s.goods.create(body, actorOf(ctx.state));
    const row = await s.goods.get(id);
    if (!row) throw new AppError('RETRY');
    await publish(row, true);
    ctx.status = 201;
    ctx.body = {
      item: await saleOf(id),
      serverTime: new Date().toISOString(),
    } satisfies SaleResponse;
  });

  /** After an edit or a restore: the sale as it now is, loaded into Redis and announced. */
  async function republished(id: number): Promise<SaleResponse> {
    const row = await s.goods.get(id);
    if (!row) throw new AppError('NOT_FOUND', 'No such sale.');
    await publish(row, false);
    return { item: await saleOf(id), serverTime: new Date().toISOString() };
  }

  r.put('/api/admin/goods/:id', async (ctx) => {
    const id = parse(IdParam, ctx.params.id);
    const body = parse(SaleUpdateBody, ctx.request.body);
    if (!(await s.goods.update(id, body, actorOf(ctx.state))))
      throw new AppError('NOT_FOUND', 'No such sale.');
    ctx.body = await republished(id);
  });

  r.post('/api/admin/goods/:id/reset', async (ctx) => {
    const id = parse(IdParam, ctx.params.id);
    const body = parse(ResetBody, ctx.request.body);
    const done = await s.goods.reset(
      id,
      body.stock,
      (tx, refunds) => s.payments.refund(tx, refunds),
      actorOf(ctx.state),
    );
    if (!done) throw new AppError('NOT_FOUND', 'No such sale.');
    await publish(done.row, true);
    ctx.body = {
      item: await saleOf(id),
      serverTime: new Date().toISOString(),
      cancelled: done.cancelled,
      refunded: done.refunded,
      refundCents: done.refundCents,
    } satisfies ResetResponse;
  });

  r.delete('/api/admin/goods/:id', async (ctx) => {
    const id = parse(IdParam, ctx.params.id);
    const query = parse(ArchiveQuery, { ...ctx.query });
    const sale = await saleOf(id);
    const { pending, paid } = await s.goods.resetPreview(id);
    const open = sale.status === 'active' || sale.status === 'sold_out';
    if (open && pending + paid > 0 && query.confirm !== '1' && !sale.archivedAt)
      throw new AppError(
        'CONFIRM_REQUIRED',
        `This sale is open and has ${pending + paid} live orders; archive with ?confirm=1.`,
      );
    if (!(await s.goods.archive(id, actorOf(ctx.state), pending + paid)))
      throw new AppError('NOT_FOUND', 'No such sale.');
    const row = await s.goods.get(id);
    if (row) await publish(row, false);
    ctx.status = 204;
  });

  r.post('/api/admin/goods/:id/restore', async (ctx) => {
    const id = parse(IdParam, ctx.params.id);
    if (!(await s.goods.restore(id, actorOf(ctx.state))))
      throw new AppError('NOT_FOUND', 'No such sale.');
    ctx.body = await republished(id);
  });

  r.get('/api/admin/audit', async (ctx) => {
    const query = parse(AuditQuery, { ...ctx.query });
    const page = await auditPage(s.db, query);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      items: page.items.map((a) => ({ ...a, at: a.at.toISOString() })),
      total: page.total,
      page: query.page,
      pageSize: query.pageSize,
    } satisfies AuditResponse;
  });

  r.get('/api/admin/goods/:id/reset-preview', async (ctx) => {
    const id = parse(IdParam, ctx.params.id);
    if (!(await s.goods.get(id))) throw new AppError('NOT_FOUND', 'No such sale.');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = (await s.goods.resetPreview(id)) satisfies ResetPreview;
  });

  r.get('/api/admin/users', async (ctx) => {
    const q = parse(UserSearchQuery, { ...ctx.query });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { items: await s.users.search(q.q, 20) } satisfies AdminUserListResponse;
  });

  r.post('/api/admin/users/:id/credit', async (ctx) => {
    const id = parse(IdParam, ctx.params.id);
    const body = parse(CreditBody, ctx.request.body);
    const done = await creditWallet(s.db, id, body.amount, body.note, currentUser(ctx.state).id);
    if (!done) throw new AppError('NOT_FOUND', 'No such user.');
    ctx.body = { userId: id, ...done } satisfies CreditResponse;
  });

  r.get('/api/admin/goods/:id/consistency', async (ctx) => {
    const id = parse(IdParam, ctx.params.id);
    const depth = await s.publisher.depth();
    const report = await checkSale(s.db, s.stock, id, depth);
    if (!report) throw new AppError('NOT_FOUND', 'No such sale.');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { report } satisfies ConsistencyResponse;
  });

  r.post('/api/admin/goods/:id/reconcile', async (ctx) => {
    const id = parse(IdParam, ctx.params.id);
    const row = await s.goods.get(id);
    if (!row) throw new AppError('NOT_FOUND', 'No such sale.');
    const result = await s.reconciler.reconcile(row);
    // The repair itself is Redis and the queue: it is recorded once it has run.
    await recordAudit(s.db, {
      actorId: actorOf(ctx.state),
      action: 'repair',
      goodsId: id,
      before: { stockLeftRedis: result.stock?.before ?? null },
      after: {
        stockLeftRedis: result.stock?.after ?? null,
        requeued: result.requeued,
        ...(result.skipped ? { skipped: result.skipped } : {}),
      },
    });
    const report = await checkSale(s.db, s.stock, id, await s.publisher.depth());
    ctx.body = { result, report } satisfies ReconcileResponse;
  });

  // The whole deployment's last seconds, from the buckets every API instance and consumer adds to.
  r.get('/api/admin/live', async (ctx) => {
    const { window } = parse(liveQuery, { ...ctx.query });
    const now = Date.now();
    const rows = await s.catalog.rows();
    const [live, left] = await Promise.all([
      readLiveWindow(s.redis, s.config.prefix, window, now),
      s.stock.stockLeft(rows.map((g) => g.id)),
    ]);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      serverTime: new Date(now).toISOString(),
      windowSeconds: window,
      seconds: live.seconds,
      instances: live.instances,
      stock: rows.map((g) => ({
        goodsId: g.id,
        name: g.name,
        stockTotal: g.stockTotal,
        stockLeft: left.get(g.id) ?? null,
      })),
    } satisfies LiveResponse;
  });

  r.get('/api/admin/stats', async (ctx) => {
    const rows = await s.goods.list();
    const [left, orders, queue, rooms] = await Promise.all([
      s.stock.stockLeft(rows.map((g) => g.id)),
      s.goods.orderCounts(),
      s.publisher.depth().catch(() => ({ ready: -1, deadLetters: -1, consumers: -1 })),
      Promise.all(
        rows.map(async (g) =>
          g.waitingRoom ? ([g.id, await s.room.figures(g.id)] as const) : null,
        ),
      ).then((pairs) => new Map(pairs.filter((p) => p !== null))),
    ]);
    const now = Date.now();
    const items = rows.map((g): SaleStats => ({
      id: g.id,
      name: g.name,
      status: saleStatus(g, left.get(g.id) ?? g.stockLeft, now),
      stock: g.stockTotal,
      stockLeftDb: g.stockLeft,
      stockLeftRedis: left.get(g.id) ?? null,
      ...(() => {
        const c = orders.get(g.id) ?? NO_ORDERS;
        return { ...c, orders: c.pending + c.paid };
      })(),
      room: (() => {
        const f = rooms.get(g.id);
        return f ? { ...f, admitPerSecond: s.config.queue.admitPerSecond } : null;
      })(),
    }));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { items, queue, serverTime: new Date(now).toISOString() } satisfies StatsResponse;
  });

  return r;
}
