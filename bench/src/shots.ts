import { BROWSER_JSON_HEADERS, saleCalls, type SaleCall } from '@seckill/contracts';
import type { Shot } from './load.ts';

/**
 * The crowd's requests, made from the shop's own declared calls (packages/contracts'
 * saleCalls, which the web client sends): the same method, URL, body and JSON headers as a
 * browser's. The captcha answer is any well-formed one: the bench's load-test key skips the check.
 */
const BENCH_CAPTCHA = 'ab12';

function shot(kind: string, call: SaleCall, token: string, ref?: number): Shot {
  const s: Shot = { kind, method: call.method, path: `/api${call.url}`, token };
  if (call.body !== undefined) {
    s.body = JSON.stringify(call.body);
    s.headers = { ...BROWSER_JSON_HEADERS };
  } else {
    s.headers = { accept: BROWSER_JSON_HEADERS.accept };
  }
  if (ref !== undefined) s.ref = ref;
  return s;
}

export const pathShot = (goodsId: number, token: string, ref?: number) =>
  shot('path', saleCalls.path(goodsId, BENCH_CAPTCHA), token, ref);

export const orderShot = (kind: string, goodsId: number, path: string, token: string) =>
  shot(kind, saleCalls.order(goodsId, path), token);

export const resultShot = (goodsId: number, token: string) =>
  shot('result', saleCalls.result(goodsId), token);
