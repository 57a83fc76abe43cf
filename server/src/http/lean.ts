import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERRORS } from '@seckill/contracts';
import type { SoldOutFlags } from '../seckill/sold-out.ts';
import { bearerToken, type TokenService } from './auth.ts';
import { toErrorBody } from './errors.ts';
import type { LoadShedder } from './rate-limit.ts';

/**
 * The lean routes: the two requests a flash sale is made of (the path POST and the order POST)
 * are answered without Koa, its router and middleware — measured, those cost more than the
 * Redis script behind them. Each lean route calls the very same function as its Koa route
 * (takePath, takeOrder), so checks, their order and errors are declared once; what is left here
 * is what Koa's middleware would have added: load shedding, the answer's headers, the error body
 * and the metrics. Anything a lean route does not take (another method, an odd URL, a body it
 * does not read) falls through to Koa.
 */

/** What every API answer carries (helmet's, for a JSON body): it is no page, frame or script. */
const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};

export function answer(
  res: ServerResponse,
  status: number,
  body: string,
  extra?: Record<string, string>,
) {
  res.writeHead(status, {
    ...HEADERS,
    'content-length': String(Buffer.byteLength(body)),
    ...extra,
  });
  res.end(body);
}

/** An answer that never changes (queued, sold out): its headers are built once. */
export function fixedAnswer(status: number, body: string): (res: ServerResponse) => void {
  const headers = { ...HEADERS, 'content-length': String(Buffer.byteLength(body)) };
  return (res) => {
    res.writeHead(status, headers);
    res.end(body);
  };
}

/** Answers an error as Koa's error middleware would: its status, `{code, message}`, Retry-After. */
export function answerError(
  res: ServerResponse,
  err: unknown,
  log: LeanLog,
  req: IncomingMessage,
  extra?: Record<string, string>,
): { status: number; code: string } {
  const { status, body, unexpected } = toErrorBody(err);
  if (unexpected) log.error({ err, method: req.method, url: req.url }, 'request failed');
  answer(res, status, JSON.stringify(body), {
    ...(status === 503 || status === 429 ? { 'retry-after': '1' } : undefined),
    ...extra,
  });
  return { status, code: body.code };
}

export interface LeanLog {
  error(o: object, m: string): void;
}

/**
 * The URL's match when the request is this method on this URL and declares no body, else null:
 * what a lean route without a body takes (anything else falls through to Koa).
 */
export function bodyless(
  req: IncomingMessage,
  method: 'GET' | 'POST',
  url: RegExp,
): RegExpExecArray | null {
  if (req.method !== method) return null;
  const m = url.exec(req.url ?? '');
  if (!m || req.headers['content-length'] || req.headers['transfer-encoding']) return null;
  return m;
}

/** The sold-out answer both lean routes give while the local flag is up. */
const SOLD_OUT_ANSWER = fixedAnswer(
  409,
  JSON.stringify({ code: 'SOLD_OUT', message: ERRORS.SOLD_OUT.message }),
);

/**
 * While this instance's sold-out flag is up, a request with a valid token is answered SOLD_OUT
 * at once, as takeOrder and takePath would (their first checks: the token, then the flag). False
 * when it is not answered here: no flag, or no valid token (the usual path then answers 401).
 */
export function answeredSoldOut(
  d: { soldOut: Pick<SoldOutFlags, 'isSoldOut'>; tokens: TokenService },
  goodsId: number,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  if (!d.soldOut.isSoldOut(goodsId)) return false;
  const token = bearerToken(req.headers.authorization);
  if (!token) return false;
  try {
    d.tokens.verify(token);
  } catch {
    return false;
  }
  SOLD_OUT_ANSWER(res);
  return true;
}

/** Runs `fn` inside the instance's load shedding (a 503 when it is full), as Koa's requests do. */
export async function shed<T>(shedder: LoadShedder, fn: () => Promise<T>): Promise<T> {
  shedder.enter();
  try {
    return await fn();
  } finally {
    shedder.leave();
  }
}

/** Whether a request carries the configured load-test key (compared in constant time). */
export function loadtestKeyMatches(key: string, given: string | string[] | undefined): boolean {
  if (!key || typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
}
