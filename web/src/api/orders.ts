import type { OrderListResponse } from '@seckill/contracts';
import { http } from './client';

export async function listOrders(): Promise<OrderListResponse> {
  return (await http.get<OrderListResponse>('/orders')).data;
}
