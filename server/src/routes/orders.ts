import Router from '@koa/router';
import {
  AppError,
  OrderIdParam,
  WalletQuery,
  type OrderListResponse,
  type OrderResponse,
  type WalletResponse,
} from '@seckill/contracts';
import { getOrder, listOrders, walletOf } from '@seckill/orders';
import { currentUser, requireLiveUser } from '../http/auth.ts';
import { parse } from '../http/body.ts';
import { rateLimit } from '../http/rate-limit.ts';
import { cancelAndReturn, payForOrder } from '../seckill/lifecycle.ts';
import type { Services } from '../services.ts';
import { byUser } from '../http/rate-keys.ts';

export function orderRoutes(s: Services): Router {
  const r = new Router();
  const live = requireLiveUser(s.tokens, (id) => s.users.account(id));
  const limited = rateLimit(s.redisLimiter, 'order-action', s.config.limits.orderAction, byUser);

  r.get('/api/orders', live, async (ctx) => {
    const user = currentUser(ctx.state);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { items: await listOrders(s.db, user.id) } satisfies OrderListResponse;
  });

  r.get('/api/orders/:id', live, async (ctx) => {
    const id = parse(OrderIdParam, ctx.params.id);
    const item = await getOrder(s.db, currentUser(ctx.state).id, id);
    if (!item) throw new AppError('NOT_FOUND', 'No such order.');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { item } satisfies OrderResponse;
  });

  r.post('/api/orders/:id/pay', live, limited, async (ctx) => {
    const id = parse(OrderIdParam, ctx.params.id);
    ctx.body = {
      item: await payForOrder(s, currentUser(ctx.state).id, id),
    } satisfies OrderResponse;
  });

  r.post('/api/orders/:id/cancel', live, limited, async (ctx) => {
    const id = parse(OrderIdParam, ctx.params.id);
    const item = await cancelAndReturn(s, currentUser(ctx.state).id, id);
    ctx.body = { item } satisfies OrderResponse;
  });

  r.get('/api/wallet', live, async (ctx) => {
    const q = parse(WalletQuery, { ...ctx.query });
    const wallet = await walletOf(s.db, currentUser(ctx.state).id, q.page, q.pageSize);
    if (!wallet) throw new AppError('TOKEN_INVALID', 'This account no longer exists.');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = wallet satisfies WalletResponse;
  });

  return r;
}
