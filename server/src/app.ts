import http from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import compress from 'koa-compress';
import { jsonBody } from './http/body.ts';
import { errorMiddleware } from './http/errors.ts';
import { measureRequests } from './http/metrics.ts';
import { rateLimit, shedLoad } from './http/rate-limit.ts';
import { securityHeaders } from './http/security.ts';
import { adminRoutes } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import { eventRoutes } from './routes/events.ts';
import { goodsRoutes } from './routes/goods.ts';
import { healthRoutes } from './routes/health.ts';
import { labRoutes } from './routes/lab.ts';
import { byIp, loadtestKeyMatches } from './http/rate-keys.ts';
import { clientAddress } from './http/client-ip.ts';
import { orderRoutes } from './routes/orders.ts';
import { seckillRoutes } from './routes/seckill.ts';
import { saleEdge } from './http/edge.ts';
import type { Services } from './services.ts';
import { serveWeb } from './web.ts';

const BODY_LIMIT = 16 * 1024;

function loadtestFlag(key: string): Koa.Middleware {
  return (ctx, next) => {
    if (loadtestKeyMatches(key, ctx.get('x-loadtest-key'))) ctx.state.loadtest = true;
    return next();
  };
}

/** Builds the Koa app from its parts; nothing here opens a connection. */
export function buildApp(s: Services): Koa {
  // Koa's own proxy handling stays off: it would believe X-Forwarded-For from anyone.
  const app = new Koa({ proxy: false });
  app.silent = true;
  app.use(clientAddress(s.config.trustProxy));
  app.use(measureRequests(s.metrics));
  app.use(errorMiddleware(s.log));
  app.use(securityHeaders());
  // Every request counts against the instance's limits, the static files too.
  app.use(shedLoad(s.shedder));
  if (s.config.webDist) {
    app.use(
      serveWeb(s.config.webDist, rateLimit(s.localLimiter, 'static', s.config.limits.static, byIp)),
    );
  }
  // API answers over ~1 KB go compressed; event streams never (they would be buffered).
  app.use(
    compress({
      threshold: 1024,
      filter: (type) => /json|text\/plain/.test(type),
      br: false,
    }),
  );
  app.use(loadtestFlag(s.config.loadtestKey));
  app.use(jsonBody(BODY_LIMIT));
  const router = new Router();
  for (const routes of [
    healthRoutes,
    authRoutes,
    goodsRoutes,
    orderRoutes,
    eventRoutes,
    adminRoutes,
    ...(s.config.lab ? [labRoutes] : []),
  ]) {
    router.use(routes(s).routes());
  }
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));
  return app;
}

/** The HTTP server: every /api/seckill/* route through its one edge; the rest, Koa. */
export function createHttpServer(s: Services): http.Server {
  const koa = buildApp(s).callback();
  const sale = saleEdge(seckillRoutes(s), {
    shedder: s.shedder,
    trustProxy: s.config.trustProxy,
    loadtestKey: s.config.loadtestKey,
    bodyLimit: BODY_LIMIT,
    metrics: s.metrics,
    log: s.log,
  });
  // Timeouts are enforced on this interval (Node's default, 30 s, would make "10 s" mean 40).
  const server = http.createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    if (!sale(req, res)) void koa(req, res);
  });
  // A client that opens a connection and sends its request slowly, or never, is cut off soon:
  // idle half-open requests must not pile up (Node's defaults wait 60 s and 5 min).
  server.headersTimeout = 10_000;
  server.requestTimeout = 20_000;
  return server;
}
