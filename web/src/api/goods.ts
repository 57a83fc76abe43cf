import type { SaleListResponse, SaleResponse } from '@seckill/contracts';
import { http, timed, type Timed } from './client';

export function listSales(): Promise<Timed<SaleListResponse>> {
  return timed(() => http.get<SaleListResponse>('/goods'));
}

export function getSale(id: number): Promise<Timed<SaleResponse>> {
  return timed(() => http.get<SaleResponse>(`/goods/${id}`));
}
