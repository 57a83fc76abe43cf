import Router from '@koa/router';
import type { OrderListResponse } from '@seckill/contracts';
import { currentUser, requireLiveUser } from '../http/auth.ts';
import type { Services } from '../services.ts';

export function orderRoutes(s: Services): Router {
  const r = new Router();
  r.get(
    '/api/orders',
    requireLiveUser(s.tokens, (id) => s.users.findById(id)),
    async (ctx) => {
      const user = currentUser(ctx.state);
      ctx.body = { items: await s.orders.listByUser(user.id) } satisfies OrderListResponse;
    },
  );
  return r;
}
