import { createHash } from 'node:crypto';
import Router from '@koa/router';
import { GoodsQuery, IdParam } from '@seckill/contracts';
import type { Context } from 'koa';
import { parse } from '../http/body.ts';
import { AppError } from '../http/errors.ts';
import type { Services } from '../services.ts';

/**
 * Polled by every shopper, so it carries a validator: the ETag covers what the sales say, not the
 * server's time, and an unchanged answer is a bodiless 304. The time also travels in
 * X-Server-Time, which a 304 refreshes in the browser's cached copy.
 */
function answerValidated(ctx: Context, value: object) {
  const json = JSON.stringify(value);
  const tag = `W/"${createHash('sha1').update(json).digest('base64url')}"`;
  const now = new Date().toISOString();
  ctx.set('ETag', tag);
  ctx.set('X-Server-Time', now);
  ctx.set('Cache-Control', 'no-cache');
  if (ctx.get('if-none-match') === tag) {
    ctx.status = 304;
    return;
  }
  ctx.type = 'application/json; charset=utf-8';
  ctx.body = `${json.slice(0, -1)}${json.length > 2 ? ',' : ''}"serverTime":"${now}"}`;
}

export function goodsRoutes(s: Services): Router {
  const r = new Router();

  r.get('/api/goods', async (ctx) => {
    const query = parse(GoodsQuery, { ...ctx.query });
    answerValidated(ctx, await s.catalog.page(query));
  });

  r.get('/api/goods/:id', async (ctx) => {
    const id = parse(IdParam, ctx.params.id);
    const item = await s.catalog.get(id);
    if (!item) throw new AppError('NOT_FOUND', 'No such sale.');
    answerValidated(ctx, { item });
  });

  return r;
}
