import type { IncomingMessage, ServerResponse } from 'node:http';
import { IdParam, type OrderResult } from '@seckill/contracts';
import type { StockStore } from '@seckill/stock';
import { RESULT_ROUTE } from '../metrics.ts';
import { authenticate, type TokenService } from './auth.ts';
import { parse } from './body.ts';
import { answer, answerError, bodyless, shed, type LeanLog } from './lean.ts';
import type { LoadShedder } from './rate-limit.ts';

export interface ResultRouteDeps {
  tokens: TokenService;
  stock: Pick<StockStore, 'result'>;
}

/** The result poll, on both routes: a token, the sale id, then the shopper's outcome in Redis. */
export async function takeResult(
  d: ResultRouteDeps,
  authorization: string | undefined,
  rawGoodsId: string,
): Promise<OrderResult> {
  const user = authenticate(d.tokens, authorization);
  const goodsId = parse(IdParam, rawGoodsId);
  return d.stock.result(goodsId, user.id);
}

export interface LeanResultDeps extends ResultRouteDeps {
  shedder: LoadShedder;
  metrics?: { request(route: string, method: string, status: number, startedAt: number): void };
}

const RESULT_URL = /^\/api\/seckill\/([1-9][0-9]{0,9})\/result$/;

/**
 * The lean route of the result poll (see lean.ts): while a sale runs, every shopper who ordered
 * asks it until the outcome is known. A GET with a body, or any other URL, is Koa's.
 */
export function leanResultRoute(d: LeanResultDeps, log: LeanLog) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const m = bodyless(req, 'GET', RESULT_URL);
    if (!m) return false;
    const startedAt = performance.now();
    shed(d.shedder, () => takeResult(d, req.headers.authorization, m[1] ?? '')).then(
      (result) => {
        answer(res, 200, JSON.stringify(result));
        d.metrics?.request(RESULT_ROUTE, 'GET', 200, startedAt);
      },
      (err: unknown) => {
        const { status } = answerError(res, err, log, req);
        d.metrics?.request(RESULT_ROUTE, 'GET', status, startedAt);
      },
    );
    return true;
  };
}
