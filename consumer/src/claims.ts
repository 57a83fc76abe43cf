import type { StockStore } from '@seckill/stock';
import type { Retrying } from './retrying.ts';
import type { OrderInWork } from './settlement.ts';

/**
 * The claim, a batch's first step: before anything is written, each reservation is claimed in
 * Redis, one script call per sale, because a reservation the API undid (its publish was not
 * confirmed) must not become an order. Returns each sale's orders still to write, in the order the
 * sales first appear; an undone one goes to `drop` (nothing to write, its message is done with it).
 */
export async function claimBySale(
  stock: Pick<StockStore, 'claimMany'>,
  retry: Retrying,
  batch: OrderInWork[],
  drop: (p: OrderInWork) => void,
): Promise<Array<readonly [goodsId: number, orders: OrderInWork[]]>> {
  const bySale = new Map<number, OrderInWork[]>();
  for (const p of batch) {
    const group = bySale.get(p.order.goodsId) ?? [];
    group.push(p);
    bySale.set(p.order.goodsId, group);
  }
  const sales = [...bySale];
  // Every sale's claims first, retried together; only then is an undone order dropped, once
  // (a retry after one sale's failure claims the others again and must not drop theirs twice).
  const claims = await retry('claim', () =>
    Promise.all(
      sales.map(([goodsId, group]) =>
        stock.claimMany(
          goodsId,
          group.map((p) => p.order),
        ),
      ),
    ),
  );
  return sales.map(([goodsId, group], s) => {
    const kept = group.filter((p, i) => {
      if (claims[s]?.[i] !== 'dropped') return true;
      drop(p);
      return false;
    });
    return [goodsId, kept] as const;
  });
}
