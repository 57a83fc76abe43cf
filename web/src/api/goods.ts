import type { SaleListResponse, SaleResponse } from '@seckill/contracts';
import { http, timed, type Timed } from './client';

/**
 * The catalogue answers 304 when nothing changed, and the browser then hands over its cached body
 * with an old `serverTime`; the X-Server-Time header is refreshed by every answer, 304 or not.
 */
async function fresh<T extends { serverTime: string }>(url: string) {
  const res = await http.get<T>(url);
  const header = res.headers['x-server-time'];
  if (typeof header === 'string' && header) res.data = { ...res.data, serverTime: header };
  return res;
}

export function listSales(): Promise<Timed<SaleListResponse>> {
  return timed(() => fresh<SaleListResponse>('/goods'));
}

export function getSale(id: number): Promise<Timed<SaleResponse>> {
  return timed(() => fresh<SaleResponse>(`/goods/${id}`));
}
