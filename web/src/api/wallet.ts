import type { WalletQuery, WalletResponse } from '@seckill/contracts';
import { http } from './client';

export async function getWallet(
  query: Partial<WalletQuery> = {},
  signal?: AbortSignal,
): Promise<WalletResponse> {
  return (await http.get<WalletResponse>('/wallet', { params: query, signal })).data;
}
