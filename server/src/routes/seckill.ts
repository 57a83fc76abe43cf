import Router from '@koa/router';
import {
  IdParam,
  type OrderQueuedResponse,
  type OrderResult,
  type QueueStatus,
} from '@seckill/contracts';
import { currentUser, requireAccount, requireUser } from '../http/auth.ts';
import { parse } from '../http/body.ts';
import { AppError } from '../http/errors.ts';
import { takeOrder } from '../http/order-route.ts';
import { takePath, type PathRouteDeps } from '../http/path-route.ts';
import { takeResult } from '../http/result-route.ts';
import { PATH_ROUTE, RESULT_ROUTE } from '../metrics.ts';
import { rateLimit } from '../http/rate-limit.ts';
import { makeCaptcha } from '../seckill/captcha.ts';
import { queueStatus } from '../seckill/room.ts';
import type { Services } from '../services.ts';
import { byIp, byUser } from '../http/rate-keys.ts';

export function seckillRoutes(s: Services): Router {
  const r = new Router();
  const { limits } = s.config;
  const auth = requireUser(s.tokens);
  const account = requireAccount((id) => s.users.account(id));

  r.get(
    '/api/seckill/:goodsId/captcha',
    auth,
    rateLimit(s.redisLimiter, 'captcha', limits.captcha, byIp),
    account,
    async (ctx) => {
      const goodsId = parse(IdParam, ctx.params.goodsId);
      const user = currentUser(ctx.state);
      if (!(await s.catalog.exists(goodsId))) throw new AppError('NOT_FOUND', 'No such sale.');
      const { svg, answer } = makeCaptcha();
      await s.stock.storeCaptcha(goodsId, user.id, answer, s.config.captchaTtlMs);
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'image/svg+xml';
      ctx.body = svg;
    },
  );

  // Most path requests take the lean route (http/path-route.ts) before Koa; those that do not
  // (a chunked body, another content type) get the very same checks here.
  const pathDeps = pathRouteDeps(s);
  r.post(PATH_ROUTE, async (ctx) => {
    ctx.body = await takePath(pathDeps, {
      authorization: ctx.get('authorization') || undefined,
      rawGoodsId: ctx.params.goodsId ?? '',
      body: ctx.request.body,
      loadtest: ctx.state.loadtest === true,
    });
  });

  // The waiting room: join (keeps the place when repeated) and read where one stands. Both are
  // one script; the place is also pushed over the event stream.
  const queueLimit = rateLimit(s.redisLimiter, 'queue', limits.queue, byUser);
  const NO_ROOM = () => new AppError('NOT_FOUND', 'This sale has no waiting room.');

  r.post('/api/seckill/:goodsId/queue', auth, queueLimit, account, async (ctx) => {
    const goodsId = parse(IdParam, ctx.params.goodsId);
    const user = currentUser(ctx.state);
    if (!(await s.catalog.exists(goodsId))) throw new AppError('NOT_FOUND', 'No such sale.');
    const joined = await s.room.join(goodsId, user.id);
    ctx.set('Cache-Control', 'no-store');
    switch (joined.outcome) {
      case 'OK':
        ctx.body = queueStatus(joined.place) satisfies QueueStatus;
        return;
      case 'NO_ROOM':
        throw NO_ROOM();
      case 'NOT_WARMED':
        throw new AppError('RETRY', 'This sale is being prepared; please try again in a moment.');
      case 'NOT_STARTED':
        throw new AppError('NOT_STARTED', 'The waiting room of this sale is not open yet.');
      case 'ENDED':
        throw new AppError('ENDED');
    }
  });

  r.get('/api/seckill/:goodsId/queue', auth, queueLimit, async (ctx) => {
    const goodsId = parse(IdParam, ctx.params.goodsId);
    const user = currentUser(ctx.state);
    if (!(await s.catalog.exists(goodsId))) throw new AppError('NOT_FOUND', 'No such sale.');
    const [place] = (await s.room.places(goodsId, [user.id])) ?? [];
    if (!place) throw NO_ROOM();
    ctx.set('Cache-Control', 'no-store');
    ctx.body = queueStatus(place) satisfies QueueStatus;
  });

  // Most order requests take the lean route (http/order-route.ts) before Koa; those that do not
  // (a body, an odd URL) get the very same checks here.
  r.post('/api/seckill/:goodsId/:path/order', async (ctx) => {
    await takeOrder(
      { ...s, orderLimit: limits.order },
      ctx.get('authorization') || undefined,
      ctx.params.goodsId ?? '',
      ctx.params.path ?? '',
    );
    ctx.status = 202;
    ctx.body = { status: 'queued' } satisfies OrderQueuedResponse;
  });

  // Most polls take the lean route (http/result-route.ts); the rest get the same checks here.
  r.get(RESULT_ROUTE, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = (await takeResult(
      s,
      ctx.get('authorization') || undefined,
      ctx.params.goodsId ?? '',
    )) satisfies OrderResult;
  });

  return r;
}

/** What the path request needs, for Koa's route and the lean one alike. */
export function pathRouteDeps(s: Services): PathRouteDeps {
  return {
    tokens: s.tokens,
    soldOut: s.soldOut,
    limiter: s.redisLimiter,
    pathLimit: s.config.limits.path,
    account: (id) => s.users.account(id),
    stock: s.stock,
    catalog: s.catalog,
    captchaMaxTries: s.config.captchaMaxTries,
    pathTtlMs: s.config.pathTtlMs,
  };
}
