import type { Pool, PoolConnection } from 'mysql2/promise';
import { AppError } from '@seckill/contracts';
import { labInsertOrder, labReadGoods } from '@seckill/db';
export { inTransaction } from '@seckill/db';

/**
 * What the lab strategies share: one order attempt by a user for a sale, sold straight in MySQL.
 * Lab mode only (SECKILL_LAB=1): these are the designs the product does not use, kept so the bench
 * can show what each one costs and whether it oversells.
 */
export interface LabOrder {
  userId: number;
  goodsId: number;
  /** A fresh order number (snowflake), as the real path hands out. */
  orderId: string;
}

/** Sells one unit or throws SOLD_OUT, REPEAT, RETRY, NOT_FOUND, NOT_STARTED or ENDED. */
export type LabStrategy = (db: Pool, order: LabOrder) => Promise<void>;

export interface LabSaleRow {
  stockLeft: number;
  price: number;
  version: number;
}

type Db = Pool | PoolConnection;

/** Reads the sale, `FOR UPDATE` when asked, and refuses one outside its window. */
export async function readSale(db: Db, goodsId: number, lock: boolean): Promise<LabSaleRow> {
  const row = await labReadGoods(db, goodsId, lock);
  if (!row) throw new AppError('NOT_FOUND', 'No such sale.');
  if (!Number(row.started)) throw new AppError('NOT_STARTED');
  if (!Number(row.open)) throw new AppError('ENDED');
  return {
    stockLeft: Number(row.stock_left),
    price: Number(row.seckill_price),
    version: Number(row.version),
  };
}

/** Inserts the order row; the unique key on live orders turns a second order into REPEAT. */
export async function insertOrder(db: Db, order: LabOrder, sale: LabSaleRow): Promise<void> {
  try {
    await labInsertOrder(db, { ...order, price: sale.price, round: sale.version });
  } catch (err) {
    if ((err as { code?: string }).code === 'ER_DUP_ENTRY') throw new AppError('REPEAT');
    throw err;
  }
}
