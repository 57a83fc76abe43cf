import type { OrderListResponse, OrderResponse } from '@seckill/contracts';
import { http } from './client';

export async function listOrders(signal?: AbortSignal): Promise<OrderListResponse> {
  return (await http.get<OrderListResponse>('/orders', { signal })).data;
}

export async function getOrder(id: string, signal?: AbortSignal): Promise<OrderResponse> {
  return (await http.get<OrderResponse>(`/orders/${encodeURIComponent(id)}`, { signal })).data;
}

/** Debits the wallet; paying an order that is already paid answers it again. */
export async function payOrder(id: string): Promise<OrderResponse> {
  return (await http.post<OrderResponse>(`/orders/${encodeURIComponent(id)}/pay`)).data;
}

/** Gives the unit back to the sale; cancelling a cancelled order answers it again. */
export async function cancelOrder(id: string): Promise<OrderResponse> {
  return (await http.post<OrderResponse>(`/orders/${encodeURIComponent(id)}/cancel`)).data;
}
