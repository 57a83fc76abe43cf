import { AppError, type Order, type OrderStatus } from '@seckill/contracts';
import {
  inTransaction,
  lockGoodsRow,
  lockGoodsVersion,
  lockOrderOfUser,
  lockPendingOrders,
  markOrderPaid,
  markPendingReturned,
  returnUnits,
  selectOverdueOrders,
  selectReturnedAmong,
} from '@seckill/db';
import type { StockStore } from '@seckill/stock';
import type { Pool, PoolConnection } from 'mysql2/promise';
import { getOrder } from './orders.ts';
import type { PaymentProvider } from './payments.ts';

/**
 * The order lifecycle in MySQL: pending_payment → paid | cancelled | expired. Every transition is
 * one conditional UPDATE whose WHERE names the state it leaves, so of two racing transitions one
 * wins and the other changes nothing. MySQL's clock decides the deadline for both sides: paying
 * needs NOW(3) < expires_at, expiring needs NOW(3) >= expires_at.
 * Locks are taken goods row → order rows → user rows, by every transition, so none deadlocks.
 */

/** An order whose unit went back on sale in MySQL; Redis gets it back with `returnToSale`. */
export interface ReturnedOrder {
  orderId: string;
  userId: number;
  goodsId: number;
  round: number;
  status: Extract<OrderStatus, 'cancelled' | 'expired'>;
}

interface Locked {
  userId: number;
  goodsId: number;
  price: number;
  round: number;
  status: OrderStatus;
  due: boolean;
}

async function lockOrder(tx: PoolConnection, orderId: string, userId: number) {
  const r = await lockOrderOfUser(tx, orderId, userId);
  if (!r) return null;
  return {
    userId: Number(r.user_id),
    goodsId: Number(r.goods_id),
    price: Number(r.price),
    round: Number(r.round),
    status: r.status as OrderStatus,
    due: Number(r.due) === 1,
  } satisfies Locked;
}

const notFound = () => new AppError('NOT_FOUND', 'No such order.');

async function reread(db: Pool, userId: number, orderId: string): Promise<Order> {
  const order = await getOrder(db, userId, orderId);
  if (!order) throw notFound();
  return order;
}

/**
 * Pays a pending order before its deadline. Paying a paid order again changes nothing and moves
 * no money, however many requests arrive at once: they queue on the order's row lock.
 */
export async function payOrder(
  db: Pool,
  payments: PaymentProvider,
  userId: number,
  orderId: string,
): Promise<Order> {
  await inTransaction(db, async (tx) => {
    const o = await lockOrder(tx, orderId, userId);
    if (!o) throw notFound();
    if (o.status === 'paid') return;
    if (o.status === 'cancelled') throw new AppError('ORDER_CANCELLED');
    if (o.status === 'expired' || o.due) throw new AppError('ORDER_EXPIRED');
    if ((await payments.charge(tx, { userId, orderId, amount: o.price })) !== 'charged')
      throw new AppError('INSUFFICIENT_FUNDS');
    const res = await markOrderPaid(tx, orderId);
    // The deadline passed between the lock and here: the rollback takes the charge back.
    if (res.affectedRows !== 1) throw new AppError('ORDER_EXPIRED');
  });
  return reread(db, userId, orderId);
}

/** Moves pending orders of one sale out of the live states and their units back into stock_left. */
async function leavePending(
  tx: PoolConnection,
  goodsId: number,
  orderIds: string[],
  status: ReturnedOrder['status'],
  onlyDue: boolean,
): Promise<ReturnedOrder[]> {
  const goods = await lockGoodsVersion(tx, goodsId);
  if (!goods || orderIds.length === 0) return [];
  const version = Number(goods.version);
  const rows = await lockPendingOrders(tx, orderIds, goodsId, onlyDue);
  if (rows.length === 0) return [];
  const ids = rows.map((r) => String(r.id));
  const res = await markPendingReturned(tx, status, ids);
  if (res.affectedRows !== ids.length) throw new Error('pending orders changed under their lock');
  const current = rows.filter((r) => Number(r.round) === version).length;
  if (current > 0) await returnUnits(tx, goodsId, version, current);
  return rows.map((r) => ({
    orderId: String(r.id),
    userId: Number(r.user_id),
    goodsId,
    round: Number(r.round),
    status,
  }));
}

/**
 * Cancels a pending order: its unit goes back on sale. Cancelling again changes nothing; a paid
 * order cannot be cancelled. One found past its deadline is expired here instead: the caller gives
 * its unit back like a cancelled one, then answers ORDER_EXPIRED.
 */
export async function cancelOrder(
  db: Pool,
  userId: number,
  orderId: string,
): Promise<{ order: Order; returned: ReturnedOrder[] }> {
  const peek = await getOrder(db, userId, orderId);
  if (!peek) throw notFound();
  const outcome = await inTransaction(db, async (tx) => {
    // The goods row first, like every transition that returns a unit.
    await lockGoodsRow(tx, peek.goodsId);
    const o = await lockOrder(tx, orderId, userId);
    if (!o) throw notFound();
    if (o.status === 'paid') throw new AppError('ORDER_PAID');
    if (o.status === 'expired') throw new AppError('ORDER_EXPIRED');
    if (o.status === 'cancelled') return [];
    return leavePending(tx, o.goodsId, [orderId], o.due ? 'expired' : 'cancelled', false);
  });
  return { order: await reread(db, userId, orderId), returned: outcome };
}

/** Expires those of these orders (of one sale) that are still pending and past their deadline. */
export function expireOrders(
  db: Pool,
  goodsId: number,
  orderIds: string[],
): Promise<ReturnedOrder[]> {
  return inTransaction(db, (tx) => leavePending(tx, goodsId, orderIds, 'expired', true));
}

/** Pending orders whose deadline passed `graceMs` ago or more, oldest first, by sale. */
export async function overdueOrders(
  db: Pool,
  graceMs: number,
  limit: number,
): Promise<Map<number, string[]>> {
  const rows = await selectOverdueOrders(db, graceMs, limit);
  const bySale = new Map<number, string[]>();
  for (const r of rows) {
    const goodsId = Number(r.goods_id);
    bySale.set(goodsId, [...(bySale.get(goodsId) ?? []), String(r.id)]);
  }
  return bySale;
}

/**
 * Of these orders, the ones MySQL has returned (cancelled or expired): for the Redis step after a
 * crash or a replay, which is idempotent.
 */
export async function returnedAmong(db: Pool, orderIds: string[]): Promise<ReturnedOrder[]> {
  if (orderIds.length === 0) return [];
  const rows = await selectReturnedAmong(db, orderIds);
  return rows.map((r) => ({
    orderId: String(r.id),
    userId: Number(r.user_id),
    goodsId: Number(r.goods_id),
    round: Number(r.round),
    status: r.status as ReturnedOrder['status'],
  }));
}

/**
 * The Redis step after MySQL committed a return: the unit goes back on sale for the same round
 * only and the buyer's mark is lifted. Returns the sales that got units back. A crash before this
 * is repaired by the reconciler, from MySQL's states; it never sells a unit twice.
 */
export async function returnToSale(
  stock: StockStore,
  returned: ReturnedOrder[],
): Promise<number[]> {
  const groups = new Map<string, ReturnedOrder[]>();
  for (const r of returned) {
    const key = `${r.goodsId}:${r.round}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const changed = new Set<number>();
  for (const group of groups.values()) {
    const first = group[0];
    if (!first) continue;
    const n = await stock.returnUnits(first.goodsId, first.round, group);
    if (n) changed.add(first.goodsId);
  }
  return [...changed];
}
