import Router from '@koa/router';
import { IdParam } from '@seckill/contracts';
import { currentUser, requireUser } from '../http/auth.ts';
import { parse } from '../http/body.ts';
import { AppError } from '../http/errors.ts';
import { LAB_STRATEGIES } from '../lab/index.ts';
import type { Services } from '../services.ts';

/**
 * Lab mode only (SECKILL_LAB=1, refused in production): the same order, sold straight in MySQL by
 * one of the designs the product does not use, for `pnpm bench --strategy`. Same JWT as the shop;
 * no path, no queue: 201 with the order number, or the usual error codes.
 */
export function labRoutes(s: Services): Router {
  const r = new Router();
  r.post('/api/lab/:strategy/:goodsId/order', requireUser(s.tokens), async (ctx) => {
    const name = ctx.params.strategy ?? '';
    const sell = Object.hasOwn(LAB_STRATEGIES, name) ? LAB_STRATEGIES[name] : undefined;
    if (!sell) throw new AppError('NOT_FOUND', 'No such lab strategy.');
    const goodsId = parse(IdParam, ctx.params.goodsId);
    const user = currentUser(ctx.state);
    const orderId = s.orderIds.next();
    await sell(s.db, { userId: user.id, goodsId, orderId });
    ctx.status = 201;
    ctx.body = { status: 'success', orderId };
  });
  return r;
}
