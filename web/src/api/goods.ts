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

export interface SaleListParams {
  status?: Array<'upcoming' | 'active' | 'ended'>;
  q?: string;
  page?: number;
  pageSize?: number;
}

export function listSales(params: SaleListParams = {}): Promise<Timed<SaleListResponse>> {
  const query = new URLSearchParams();
  if (params.status?.length) query.set('status', params.status.join(','));
  if (params.q) query.set('q', params.q);
  if (params.page) query.set('page', String(params.page));
  if (params.pageSize) query.set('pageSize', String(params.pageSize));
  const qs = query.toString();
  return timed(() => fresh<SaleListResponse>(qs ? `/goods?${qs}` : '/goods'));
}

export function getSale(id: number): Promise<Timed<SaleResponse>> {
  return timed(() => fresh<SaleResponse>(`/goods/${id}`));
}
