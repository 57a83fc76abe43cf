import {
  saleCalls,
  type OrderQueuedResponse,
  type OrderResult,
  type PathResponse,
  type QueueStatus,
  type SaleCall,
} from '@seckill/contracts';
import type { AxiosRequestConfig } from 'axios';
import { http } from './client';

/** Sends one of the sale's calls as declared in the contracts (the bench sends the same). */
async function send<T>(call: SaleCall, config: AxiosRequestConfig = {}): Promise<T> {
  return (await http.request<T>({ ...config, method: call.method, url: call.url, data: call.body }))
    .data;
}

/** The captcha as SVG text, fetched with the token (the answer is kept per user on the server). */
export function fetchCaptchaSvg(goodsId: number): Promise<string> {
  return send<string>(saleCalls.captcha(goodsId), { responseType: 'text' });
}

export async function requestPath(goodsId: number, captcha: string): Promise<string> {
  return (await send<PathResponse>(saleCalls.path(goodsId, captcha))).path;
}

export function placeOrder(goodsId: number, path: string): Promise<OrderQueuedResponse> {
  return send<OrderQueuedResponse>(saleCalls.order(goodsId, path));
}

export function fetchResult(goodsId: number, signal?: AbortSignal): Promise<OrderResult> {
  return send<OrderResult>(saleCalls.result(goodsId), { signal });
}

/** Joins the sale's waiting room (again: the same place). */
export function joinQueue(goodsId: number): Promise<QueueStatus> {
  return send<QueueStatus>(saleCalls.joinQueue(goodsId));
}

export function fetchQueue(goodsId: number, signal?: AbortSignal): Promise<QueueStatus> {
  return send<QueueStatus>(saleCalls.queue(goodsId), { signal });
}
