import type { Middleware } from 'koa';
import { UNMATCHED_ROUTE, type ApiMetrics } from '../metrics.ts';

/**
 * Counts and times every request Koa answers, labelled by the route pattern the router matched
 * (never the raw URL, so labels stay few). Goes first, so the status it sees is the one the
 * error middleware answered. The sale's routes are measured by their edge (edge.ts).
 */
export function measureRequests(metrics: ApiMetrics): Middleware {
  return async (ctx, next) => {
    const startedAt = performance.now();
    try {
      await next();
    } finally {
      // @koa/router's public `routerPath`: the matched route's pattern.
      const route = (ctx as { routerPath?: unknown }).routerPath;
      const label = typeof route === 'string' && route ? route : UNMATCHED_ROUTE;
      metrics.request(label, ctx.method, ctx.status, startedAt);
    }
  };
}
