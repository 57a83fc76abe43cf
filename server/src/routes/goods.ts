import Router from '@koa/router';
import { IdParam, type SaleListResponse, type SaleResponse } from '@seckill/contracts';
import { parse } from '../http/body.ts';
import { AppError } from '../http/errors.ts';
import type { Services } from '../services.ts';

export function goodsRoutes(s: Services): Router {
  const r = new Router();

  r.get('/api/goods', async (ctx) => {
    ctx.body = {
      items: await s.catalog.list(),
      serverTime: new Date().toISOString(),
    } satisfies SaleListResponse;
  });

  r.get('/api/goods/:id', async (ctx) => {
    const id = parse(IdParam, ctx.params.id);
    const item = await s.catalog.get(id);
    if (!item) throw new AppError('NOT_FOUND', 'No such sale.');
    ctx.body = { item, serverTime: new Date().toISOString() } satisfies SaleResponse;
  });

  return r;
}
