import { AppError } from '@seckill/contracts';
import { labTakeUnitAtVersion } from '@seckill/db';
import { inTransaction, insertOrder, readSale, type LabStrategy } from './sale.ts';

/** Tries per request before the buyer is told to retry. */
export const OPTIMISTIC_ATTEMPTS = 5;

class VersionMoved extends Error {}

/**
 * Optimistic version check: read stock and version without a lock, then decrement only if the
 * version is still the one read. A lost race retries; after a few the buyer gets 503 RETRY, so
 * under a crowd units can stay unsold. It bumps goods.version on every order, and goods.version
 * is the stock round of the real path: use it only on sales made for the lab.
 */
export const sellOptimistic: LabStrategy = async (db, order) => {
  for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt += 1) {
    const sale = await readSale(db, order.goodsId, false);
    if (sale.stockLeft <= 0) throw new AppError('SOLD_OUT');
    try {
      await inTransaction(db, async (conn) => {
        const res = await labTakeUnitAtVersion(conn, order.goodsId, sale.version);
        if (res.affectedRows !== 1) throw new VersionMoved();
        await insertOrder(conn, order, sale);
      });
      return;
    } catch (err) {
      if (!(err instanceof VersionMoved)) throw err;
    }
  }
  throw new AppError('RETRY', 'Too many buyers at once; please try again.');
};
