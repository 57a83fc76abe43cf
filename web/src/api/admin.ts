import type {
  ConsistencyResponse,
  ReconcileResponse,
  ResetBody,
  SaleCreateBody,
  SaleResponse,
  SaleUpdateBody,
  StatsResponse,
} from '@seckill/contracts';
import { http } from './client';

export async function fetchStats(signal?: AbortSignal): Promise<StatsResponse> {
  return (await http.get<StatsResponse>('/admin/stats', { signal })).data;
}

export async function createSale(body: SaleCreateBody): Promise<SaleResponse> {
  return (await http.post<SaleResponse>('/admin/goods', body)).data;
}

export async function updateSale(id: number, body: SaleUpdateBody): Promise<SaleResponse> {
  return (await http.put<SaleResponse>(`/admin/goods/${id}`, body)).data;
}

export async function resetStock(id: number, body: ResetBody): Promise<SaleResponse> {
  return (await http.post<SaleResponse>(`/admin/goods/${id}/reset`, body)).data;
}

export async function fetchConsistency(id: number): Promise<ConsistencyResponse> {
  return (await http.get<ConsistencyResponse>(`/admin/goods/${id}/consistency`)).data;
}

export async function reconcileSale(id: number): Promise<ReconcileResponse> {
  return (await http.post<ReconcileResponse>(`/admin/goods/${id}/reconcile`)).data;
}
