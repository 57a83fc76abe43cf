import { AppError } from '@seckill/contracts';
import { labWriteStock } from '@seckill/db';
import { insertOrder, readSale, type LabStrategy } from './sale.ts';

/**
 * Read, check, write — with no lock and no transaction. Requests that read the same stock all
 * pass the check, each inserts an order, and each writes back its own "stock - 1": a lost update.
 * It oversells under any concurrency; the bench shows by how much.
 */
export const sellNaive: LabStrategy = async (db, order) => {
  const sale = await readSale(db, order.goodsId, false);
  if (sale.stockLeft <= 0) throw new AppError('SOLD_OUT');
  await insertOrder(db, order, sale);
  await labWriteStock(db, order.goodsId, sale.stockLeft - 1);
};
