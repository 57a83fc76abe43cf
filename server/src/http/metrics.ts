import type { Middleware } from 'koa';
import { ORDER_ROUTE, UNMATCHED_ROUTE, type ApiMetrics } from '../metrics.ts';

/**
 * Counts and times every request Koa answers, labelled by the route pattern the router matched
 * (never the raw URL, so labels stay few); the order route also feeds the live view. Goes first,
 * so the status it sees is the one the error middleware answered.
 */
export function measureRequests(metrics: ApiMetrics): Middleware {
  return async (ctx, next) => {
    const startedAt = performance.now();
    try {
      await next();
    } finally {
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const route = typeof matched === 'string' ? matched : UNMATCHED_ROUTE;
      if (route === ORDER_ROUTE && ctx.method === 'POST') {
        const code = (ctx.body as { code?: unknown } | undefined)?.code;
        metrics.orderAnswered(ctx.status, typeof code === 'string' ? code : undefined, startedAt);
      } else {
        metrics.request(route, ctx.method, ctx.status, startedAt);
      }
    }
  };
}
