import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import { AppError, IdParam, type EventTicketResponse } from '@seckill/contracts';
import { z } from 'zod';
import { currentUser, requireLiveUser } from '../http/auth.ts';
import { parse } from '../http/body.ts';
import { rateLimit } from '../http/rate-limit.ts';
import type { Services } from '../services.ts';
import { byUser } from '../http/rate-keys.ts';

const StreamQuery = z.strictObject({
  ticket: z.string().regex(/^[A-Za-z0-9_-]{32}$/),
  goods: z
    .string()
    .max(200)
    .optional()
    .transform((v) => (v ? v.split(',') : []))
    .pipe(z.array(IdParam).max(20)),
});

export function eventRoutes(s: Services): Router {
  const r = new Router();

  // A ticket, not the JWT, goes in the stream's URL: it works once and for seconds, so a URL that
  // ends up in a log or a proxy opens nothing; a cookie would bring CSRF with it.
  r.post(
    '/api/events/ticket',
    requireLiveUser(s.tokens, (id) => s.users.account(id)),
    rateLimit(s.redisLimiter, 'events', s.config.limits.events, byUser),
    async (ctx) => {
      const me = currentUser(ctx.state);
      if (!me.jti || me.expMs === undefined) throw new AppError('TOKEN_INVALID');
      const ticket = await s.push.issueTicket({ userId: me.id, jti: me.jti, expMs: me.expMs });
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { ticket, expiresInMs: s.config.eventsTicketTtlMs } satisfies EventTicketResponse;
    },
  );

  r.get('/api/events', async (ctx) => {
    const q = parse(StreamQuery, { ...ctx.query });
    const owner = await s.push.redeemTicket(q.ticket);
    if (owner === null)
      throw new AppError('TOKEN_INVALID', 'This stream ticket is used or expired.');
    const room = s.push.canOpen(owner.userId);
    if (room !== 'opened')
      throw new AppError('RATE_LIMITED', 'Too many open event streams; close one and retry.');
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.req.socket.setKeepAlive(true);
    ctx.status = 200;
    ctx.type = 'text/event-stream';
    ctx.set('Cache-Control', 'no-store, no-transform');
    ctx.set('X-Accel-Buffering', 'no');
    const out = new PassThrough();
    const close = s.push.open(owner, [...new Set(q.goods)], out);
    ctx.req.on('close', close);
    out.on('close', close);
    ctx.body = out;
    // A logout between the ticket and now was announced before this stream was known: ask once,
    // after registering it, so that a logout after the question reaches it the usual way.
    void s.revocations.isRevoked(owner.jti).then(
      (revoked) => revoked && s.push.endToken(owner.jti),
      // Redis away: the stream ends, and the browser asks for a ticket again.
      () => s.push.endToken(owner.jti),
    );
  });

  return r;
}
