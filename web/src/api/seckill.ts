import type {
  OrderQueuedResponse,
  OrderResult,
  PathBody,
  PathResponse,
  QueueStatus,
} from '@seckill/contracts';
import { http } from './client';

/** The captcha as SVG text, fetched with the token (the answer is kept per user on the server). */
export async function fetchCaptchaSvg(goodsId: number): Promise<string> {
  const res = await http.get<string>(`/seckill/${goodsId}/captcha`, { responseType: 'text' });
  return res.data;
}

export async function requestPath(goodsId: number, captcha: string): Promise<string> {
  const body: PathBody = { captcha };
  return (await http.post<PathResponse>(`/seckill/${goodsId}/path`, body)).data.path;
}

export async function placeOrder(goodsId: number, path: string): Promise<OrderQueuedResponse> {
  return (
    await http.post<OrderQueuedResponse>(
      `/seckill/${goodsId}/${encodeURIComponent(path)}/order`,
      {},
    )
  ).data;
}

export async function fetchResult(goodsId: number, signal?: AbortSignal): Promise<OrderResult> {
  return (await http.get<OrderResult>(`/seckill/${goodsId}/result`, { signal })).data;
}

/** Joins the sale's waiting room (again: the same place). */
export async function joinQueue(goodsId: number): Promise<QueueStatus> {
  return (await http.post<QueueStatus>(`/seckill/${goodsId}/queue`)).data;
}

export async function fetchQueue(goodsId: number, signal?: AbortSignal): Promise<QueueStatus> {
  return (await http.get<QueueStatus>(`/seckill/${goodsId}/queue`, { signal })).data;
}
