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
      const ticket = await s.push.issueTicket(currentUser(ctx.state).id);
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { ticket, expiresInMs: s.config.eventsTicketTtlMs } satisfies EventTicketResponse;
    },
  );

  r.get('/api/events', async (ctx) => {
    const q = parse(StreamQuery, { ...ctx.query });
    const userId = await s.push.redeemTicket(q.ticket);
    if (userId === null)
      throw new AppError('TOKEN_INVALID', 'This stream ticket is used or expired.');
    const room = s.push.canOpen(userId);
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
    const close = s.push.open(userId, [...new Set(q.goods)], out);
    ctx.req.on('close', close);
    out.on('close', close);
    ctx.body = out;
  });

  return r;
}
