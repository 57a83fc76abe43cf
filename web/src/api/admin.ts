import type {
  AdminSaleListResponse,
  AuditResponse,
  AdminUserListResponse,
  ConsistencyResponse,
  CreditBody,
  CreditResponse,
  LiveResponse,
  ReconcileResponse,
  ResetBody,
  ResetPreview,
  ResetResponse,
  SaleCreateBody,
  SaleResponse,
  SaleUpdateBody,
  StatsResponse,
} from '@seckill/contracts';
import { http } from './client';

export async function fetchStats(signal?: AbortSignal): Promise<StatsResponse> {
  return (await http.get<StatsResponse>('/admin/stats', { signal })).data;
}

/** The whole deployment's last `windowSeconds` seconds, summed over every instance by the API. */
export async function fetchLive(
  windowSeconds: number,
  signal?: AbortSignal,
): Promise<LiveResponse> {
  return (
    await http.get<LiveResponse>('/admin/live', { params: { window: windowSeconds }, signal })
  ).data;
}

export async function createSale(body: SaleCreateBody): Promise<SaleResponse> {
  return (await http.post<SaleResponse>('/admin/goods', body)).data;
}

export async function updateSale(id: number, body: SaleUpdateBody): Promise<SaleResponse> {
  return (await http.put<SaleResponse>(`/admin/goods/${id}`, body)).data;
}

/** What a reset would undo now: pending orders to cancel, paid ones to refund. */
export async function fetchResetPreview(id: number, signal?: AbortSignal): Promise<ResetPreview> {
  return (await http.get<ResetPreview>(`/admin/goods/${id}/reset-preview`, { signal })).data;
}

export async function resetStock(id: number, body: ResetBody): Promise<ResetResponse> {
  return (await http.post<ResetResponse>(`/admin/goods/${id}/reset`, body)).data;
}

export async function fetchConsistency(id: number): Promise<ConsistencyResponse> {
  return (await http.get<ConsistencyResponse>(`/admin/goods/${id}/consistency`)).data;
}

export async function reconcileSale(id: number): Promise<ReconcileResponse> {
  return (await http.post<ReconcileResponse>(`/admin/goods/${id}/reconcile`)).data;
}

/** Users whose name contains `q`. */
export async function searchUsers(q: string, signal?: AbortSignal): Promise<AdminUserListResponse> {
  return (await http.get<AdminUserListResponse>('/admin/users', { params: { q }, signal })).data;
}

export async function creditUser(id: number, body: CreditBody): Promise<CreditResponse> {
  return (await http.post<CreditResponse>(`/admin/users/${id}/credit`, body)).data;
}

/** Archives a sale; an open one with live orders answers 409 CONFIRM_REQUIRED unless confirmed. */
export async function archiveSale(id: number, confirm: boolean): Promise<void> {
  await http.delete(`/admin/goods/${id}`, { params: confirm ? { confirm: 1 } : {} });
}

export async function restoreSale(id: number): Promise<SaleResponse> {
  return (await http.post<SaleResponse>(`/admin/goods/${id}/restore`)).data;
}

export async function fetchArchived(): Promise<AdminSaleListResponse> {
  return (await http.get<AdminSaleListResponse>('/admin/goods', { params: { archived: 1 } })).data;
}

export async function fetchAudit(params: {
  goodsId?: number;
  page: number;
  pageSize: number;
}): Promise<AuditResponse> {
  return (await http.get<AuditResponse>('/admin/audit', { params })).data;
}
