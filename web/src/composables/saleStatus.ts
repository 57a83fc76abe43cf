import type { Sale, SaleStatus } from '@seckill/contracts';
import { salePhase } from './countdown';

/** The sale's status at a moment of the server's clock (the status in a response ages). */
export function liveStatus(
  sale: Pick<Sale, 'startAt' | 'endAt' | 'stockLeft'>,
  serverNow: number,
): SaleStatus {
  const phase = salePhase(serverNow, Date.parse(sale.startAt), Date.parse(sale.endAt));
  if (phase === 'active' && sale.stockLeft <= 0) return 'sold_out';
  return phase;
}
