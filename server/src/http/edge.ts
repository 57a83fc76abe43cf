import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '@seckill/contracts';
import type { ApiMetrics } from '../metrics.ts';
import { readJsonBody } from './body.ts';
import { requestIp, type TrustedProxies } from './client-ip.ts';
import { toErrorBody } from './errors.ts';
import { loadtestKeyMatches } from './rate-keys.ts';
import type { LoadShedder } from './rate-limit.ts';
import { API_HEADERS } from './security.ts';

/** What a sale route is handed: the URL's parameters and what the edge read from the request. */
export interface SaleRequest {
  params: Record<string, string>;
  authorization: string | undefined;
  /** The parsed JSON body; undefined without one. */
  body: unknown;
  /** The client's address (client-ip.ts): a balancer's forwarded header only when trusted. */
  ip: string;
  /** The request carries the configured load-test key: no captcha, no per-IP limits. */
  loadtest: boolean;
}

export interface SaleAnswer {
  status?: number;
  /** JSON, or an SVG document when `svg` is set. */
  body: unknown;
  svg?: boolean;
}

/** One route of the sale, declared once: method, URL (also its metrics label) and handler. */
export interface SaleRoute {
  method: 'GET' | 'POST';
  /** `/api/seckill/:goodsId/path`: `:name` matches one URL segment. */
  pattern: string;
  /** Its answers also count as order answers (the live view's accepted / sold out). */
  order?: boolean;
  handle(r: SaleRequest): Promise<SaleAnswer>;
}

export interface EdgeDeps {
  shedder: LoadShedder;
  trustProxy: TrustedProxies;
  loadtestKey: string;
  bodyLimit: number;
  metrics?: Pick<ApiMetrics, 'request' | 'orderAnswered'>;
  log: { error(o: object, m: string): void };
}

interface Compiled {
  route: SaleRoute;
  url: RegExp;
  names: string[];
}

function compile(route: SaleRoute): Compiled {
  const names: string[] = [];
  const source = route.pattern
    .split('/')
    .map((part) => {
      if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(part.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { route, url: new RegExp(`^${source}/?$`), names };
}

const PREFIX = '/api/seckill/';

/**
 * The one door of every /api/seckill/* route: the requests a flash sale is made of, answered
 * without Koa's router and middleware (measured: they cost more than the Redis script behind
 * them). Each route is declared once (routes/seckill.ts); this edge does the rest, the same for
 * all: load shedding, the body (none, JSON within the limit, chunked; else 413, 415 or 422),
 * the client's address and load-test key, the headers (API_HEADERS, computed from helmet's
 * configuration), errors as `{ code, message }` with Retry-After, and metrics labelled with the
 * declared pattern. A URL none of them declares is left to Koa (404); a declared URL with
 * another method is answered 405 here.
 */
export function saleEdge(routes: SaleRoute[], d: EdgeDeps) {
  const compiled = routes.map(compile);
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '';
    if (!url.startsWith(PREFIX)) return false;
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    let hit: { c: Compiled; m: RegExpExecArray } | null = null;
    const allowed: string[] = [];
    for (const c of compiled) {
      const m = c.url.exec(path);
      if (!m) continue;
      allowed.push(c.route.method);
      if (c.route.method === req.method) {
        hit = { c, m };
        break;
      }
    }
    if (!hit) {
      if (allowed.length === 0) return false;
      answerError(res, new AppError('METHOD_NOT_ALLOWED'), d, req, { allow: allowed.join(', ') });
      return true;
    }
    const { c, m } = hit;
    const startedAt = performance.now();
    const params: Record<string, string> = {};
    c.names.forEach((name, i) => (params[name] = safeDecode(m[i + 1] ?? '')));
    void serve(c.route, params, req, res, d).then((status) => {
      if (status === null) return;
      const code = status.code;
      if (c.route.order) d.metrics?.orderAnswered(c.route.pattern, status.status, code, startedAt);
      else d.metrics?.request(c.route.pattern, c.route.method, status.status, startedAt);
    });
    return true;
  };
}

async function serve(
  route: SaleRoute,
  params: Record<string, string>,
  req: IncomingMessage,
  res: ServerResponse,
  d: EdgeDeps,
): Promise<{ status: number; code?: string } | null> {
  let entered = false;
  try {
    d.shedder.enter();
    entered = true;
    const body = route.method === 'POST' ? await readJsonBody(req, d.bodyLimit) : undefined;
    // The address and the load-test key are read only by the routes that ask for them.
    const answer = await route.handle({
      params,
      authorization: req.headers.authorization,
      body,
      get ip() {
        return requestIp(req, d.trustProxy);
      },
      get loadtest() {
        return loadtestKeyMatches(d.loadtestKey, req.headers['x-loadtest-key']);
      },
    });
    const status = answer.status ?? 200;
    send(res, status, answer.svg ? String(answer.body) : JSON.stringify(answer.body), answer.svg);
    return { status };
  } catch (err) {
    // A client gone mid-body has no one to answer.
    if (req.destroyed && !req.complete) {
      res.destroy();
      return null;
    }
    return answerError(res, err, d, req);
  } finally {
    if (entered) d.shedder.leave();
  }
}

function send(res: ServerResponse, status: number, text: string, svg = false, extra?: object) {
  res.writeHead(status, {
    ...API_HEADERS,
    ...(svg ? { 'content-type': 'image/svg+xml; charset=utf-8' } : undefined),
    'content-length': String(Buffer.byteLength(text)),
    ...extra,
  });
  res.end(text);
}

/** An error as every API answer gives it: its status, `{ code, message }`, Retry-After. */
function answerError(
  res: ServerResponse,
  err: unknown,
  d: Pick<EdgeDeps, 'log'>,
  req: IncomingMessage,
  extra?: Record<string, string>,
): { status: number; code: string } {
  const { status, body, unexpected, headers } = toErrorBody(err);
  if (unexpected) d.log.error({ err, method: req.method, url: req.url }, 'request failed');
  send(res, status, JSON.stringify(body), false, { ...headers, ...extra });
  return { status, code: body.code };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
