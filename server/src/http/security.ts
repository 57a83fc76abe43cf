import helmet from 'koa-helmet';
import type { Middleware } from 'koa';

/**
 * The browser's side of security, through helmet: scripts only from the origin (the built SPA has
 * no inline script), no framing, no referrer across origins, no sniffing. Styles allow inline
 * attributes because Element Plus positions popups with them; sale images may be https URLs.
 * And no API answer is stored by a browser or a proxy unless its route says otherwise (the public
 * catalogue does): most depend on who asks or carry a token, errors too.
 */
export function securityHeaders(): Middleware {
  const headers = helmet({
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
  });
  return (ctx, next) => {
    if (ctx.path.startsWith('/api/') || ctx.path === '/api') ctx.set('Cache-Control', 'no-store');
    return headers(ctx, next);
  };
}
