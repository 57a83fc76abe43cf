import { AppError } from '@seckill/contracts';
import { labTakeUnit } from '@seckill/db';
import { inTransaction, insertOrder, readSale, type LabStrategy } from './sale.ts';

/**
 * SELECT … FOR UPDATE: every buyer of the sale queues on its goods row, one transaction at a
 * time. Exact, and as fast as MySQL can commit one order after another on one row.
 */
export const sellPessimistic: LabStrategy = (db, order) =>
  inTransaction(db, async (conn) => {
    const sale = await readSale(conn, order.goodsId, true);
    if (sale.stockLeft <= 0) throw new AppError('SOLD_OUT');
    await insertOrder(conn, order, sale);
    await labTakeUnit(conn, order.goodsId);
  });
