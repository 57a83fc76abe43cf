import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import type { Middleware } from 'koa';

/**
 * The browser's side of security, configured once through helmet: scripts only from the origin
 * (the built SPA has no inline script), no framing, no referrer across origins, no sniffing.
 * Styles allow inline attributes because Element Plus positions popups with them; sale images may
 * be https URLs. An API answer is no page: its policy allows nothing at all.
 */
const PAGE: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'https:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      scriptSrcAttr: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
};
const API: HelmetOptions = {
  ...PAGE,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
};

/** The headers helmet sets for a configuration: they do not depend on the request, so once. */
function headersOf(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  let done = false;
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, () => (done = true));
  if (!done) throw new Error('helmet did not set its headers at once');
  return Object.freeze(headers);
}

export const PAGE_HEADERS = headersOf(PAGE);

/**
 * What every API answer carries, on both doors (Koa's routes and the sale edge): helmet's
 * headers for a document that is no page, and no storing — most answers depend on who asks or
 * carry a token, errors too (the public catalogue overrides it with its own caching).
 */
export const API_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...headersOf(API),
  'cache-control': 'no-store',
  'content-type': 'application/json; charset=utf-8',
});
const { 'content-type': _json, ...API_KOA } = API_HEADERS;

/** Koa's half: API answers get API_HEADERS (Koa sets their type), everything else PAGE_HEADERS. */
export function securityHeaders(): Middleware {
  return (ctx, next) => {
    ctx.set(ctx.path.startsWith('/api/') || ctx.path === '/api' ? API_KOA : PAGE_HEADERS);
    return next();
  };
}
