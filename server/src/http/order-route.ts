import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, IdParam, PathToken } from '@seckill/contracts';
import type { Limit } from '../config.ts';
import { refusalFor, type SaleCatalog } from '../seckill/catalog.ts';
import { placeOrder, type OrderObserver, type PlaceOrderDeps } from '../seckill/place-order.ts';
import { authenticate, type TokenService } from './auth.ts';
import { parse } from './body.ts';
import { answerError, answeredSoldOut, bodyless, fixedAnswer, shed, type LeanLog } from './lean.ts';
import type { Limiter, LoadShedder } from './rate-limit.ts';

/** Told of every order answer (status, error code, performance.now() at arrival). */
export interface OrderAnswerObserver {
  orderAnswered(status: number, code: string | undefined, startedAt: number): void;
}

export interface OrderRouteDeps extends PlaceOrderDeps {
  metrics?: OrderObserver & OrderAnswerObserver;
  tokens: TokenService;
  localLimiter: Limiter;
  shedder: LoadShedder;
  orderLimit: Limit;
  catalog: Pick<SaleCatalog, 'exists'>;
}

/**
 * The order request, checked in the same order everywhere: a token, the shopper's limit, the
 * sale id, the path, then the hot path. Koa's route and the lean route both call this.
 */
export async function takeOrder(
  d: OrderRouteDeps,
  authorization: string | undefined,
  rawGoodsId: string,
  rawPath: string,
): Promise<void> {
  const user = authenticate(d.tokens, authorization);
  if (!(await d.localLimiter.hit('order', String(user.id), d.orderLimit)))
    throw new AppError('RATE_LIMITED');
  const goodsId = parse(IdParam, rawGoodsId);
  const path = PathToken.safeParse(rawPath);
  if (!path.success) throw new AppError('BAD_PATH');
  try {
    await placeOrder(d, user.id, goodsId, path.data);
  } catch (err) {
    throw await refusalFor(d.catalog, goodsId, err);
  }
}

const ORDER_URL = /^\/api\/seckill\/([1-9][0-9]{0,9})\/([A-Za-z0-9_-]{32})\/order$/;
const QUEUED = fixedAnswer(202, JSON.stringify({ status: 'queued' }));
/**
 * The lean route of the order POST (see lean.ts): a well-formed order with no body. While the
 * local sold-out flag is up, a late order with a valid token is answered before anything else.
 */
export function leanOrderRoute(d: OrderRouteDeps, log: LeanLog) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const m = bodyless(req, 'POST', ORDER_URL);
    if (!m) return false;
    const startedAt = performance.now();
    const [, goodsId = '', path = ''] = m;
    if (answeredSoldOut(d, Number(goodsId), req, res)) {
      d.metrics?.orderAnswered(409, 'SOLD_OUT', startedAt);
      return true;
    }
    shed(d.shedder, () => takeOrder(d, req.headers.authorization, goodsId, path)).then(
      () => {
        QUEUED(res);
        d.metrics?.orderAnswered(202, undefined, startedAt);
      },
      (err: unknown) => {
        const { status, code } = answerError(res, err, log, req);
        d.metrics?.orderAnswered(status, code, startedAt);
      },
    );
    return true;
  };
}
