import { randomBytes } from 'node:crypto';
import {
  AppError,
  IdParam,
  PathBody,
  PathToken,
  type OrderQueuedResponse,
  type OrderResult,
  type PathResponse,
  type QueueStatus,
} from '@seckill/contracts';
import { authenticate, liveAccount, type AuthUser } from '../http/auth.ts';
import { parse } from '../http/body.ts';
import { addressKey } from '../http/client-ip.ts';
import type { SaleRequest, SaleRoute } from '../http/edge.ts';
import { makeCaptcha } from '../seckill/captcha.ts';
import { refusalFor } from '../seckill/catalog.ts';
import { placeOrder } from '../seckill/place-order.ts';
import { queueStatus } from '../seckill/room.ts';
import type { Services } from '../services.ts';

/**
 * Refusals that need nothing built per request: after a sell-out most of a crowd gets one of
 * these (no stack to capture per refusal).
 */
const SOLD_OUT = new AppError('SOLD_OUT');
const LIMITED = new AppError('RATE_LIMITED');
const NO_ROOM = new AppError('NOT_FOUND', 'This sale has no waiting room.');
const NO_SALE = new AppError('NOT_FOUND', 'No such sale.');
const PREPARING = new AppError(
  'RETRY',
  'This sale is being prepared; please try again in a moment.',
);

/**
 * Every route of the sale, each declared once, all served by one edge (http/edge.ts): thin —
 * check, call the domain, answer. The checks of each come in the same order: the token, then
 * this instance's sold-out flag where a crowd arrives after a sell-out, then the shopper's
 * limit, then what costs a round trip.
 */
export function seckillRoutes(s: Services): SaleRoute[] {
  const { limits } = s.config;
  const user = (r: SaleRequest): AuthUser => authenticate(s.tokens, r.authorization);
  const limit = async (name: string, id: string, l: (typeof limits)['path']) => {
    if (!(await s.redisLimiter.hit(name, id, l))) throw LIMITED;
  };
  const account = (u: AuthUser) => liveAccount((id) => s.users.account(id), u);
  const goodsOf = (r: SaleRequest) => parse(IdParam, r.params.goodsId);
  const sale = async (goodsId: number) => {
    if (!(await s.catalog.exists(goodsId))) throw NO_SALE;
  };

  return [
    {
      // The captcha as SVG; its answer waits in Redis for the path request (TTL, once, 3 tries).
      method: 'GET',
      pattern: '/api/seckill/:goodsId/captcha',
      async handle(r) {
        const token = user(r);
        if (!r.loadtest) await limit('captcha', addressKey(r.ip), limits.captcha);
        const me = await account(token);
        const goodsId = goodsOf(r);
        await sale(goodsId);
        const { svg, answer } = makeCaptcha();
        await s.stock.storeCaptcha(goodsId, me.id, answer, s.config.captchaTtlMs);
        return { body: svg, svg: true };
      },
    },
    {
      // The captcha's answer for a one-time path: one script checks the captcha, the window, the
      // stock, the waiting room and the buyer, and stores the path.
      method: 'POST',
      pattern: '/api/seckill/:goodsId/path',
      async handle(r) {
        const token = user(r);
        if (s.soldOut.isSoldOut(Number(r.params.goodsId))) throw SOLD_OUT;
        await limit('path', String(token.id), limits.path);
        const me = await account(token);
        const goodsId = goodsOf(r);
        const body =
          r.loadtest && r.body === undefined ? { captcha: 'x' } : parse(PathBody, r.body);
        const path = randomBytes(24).toString('base64url');
        const outcome = await s.stock.issuePath(goodsId, me.id, {
          answer: body.captcha,
          maxTries: s.config.captchaMaxTries,
          path,
          ttlMs: s.config.pathTtlMs,
          skipCaptcha: r.loadtest,
        });
        if (outcome === 'OK') return { body: { path } satisfies PathResponse };
        if (outcome === 'SOLD_OUT') s.soldOut.markSoldOut(goodsId);
        const refusal = outcome === 'NOT_WARMED' ? PREPARING : new AppError(outcome);
        throw await refusalFor(s.catalog, goodsId, refusal);
      },
    },
    {
      // The waiting room: join (keeps the place when repeated). One script; the place is also
      // pushed over the event stream.
      method: 'POST',
      pattern: '/api/seckill/:goodsId/queue',
      async handle(r) {
        const token = user(r);
        await limit('queue', String(token.id), limits.queue);
        const me = await account(token);
        const goodsId = goodsOf(r);
        await sale(goodsId);
        const joined = await s.room.join(goodsId, me.id);
        switch (joined.outcome) {
          case 'OK':
            return { body: queueStatus(joined.place) satisfies QueueStatus };
          case 'NO_ROOM':
            throw NO_ROOM;
          case 'NOT_WARMED':
            throw PREPARING;
          case 'NOT_STARTED':
            throw new AppError('NOT_STARTED', 'The waiting room of this sale is not open yet.');
          case 'ENDED':
            throw new AppError('ENDED');
        }
      },
    },
    {
      method: 'GET',
      pattern: '/api/seckill/:goodsId/queue',
      async handle(r) {
        const token = user(r);
        await limit('queue', String(token.id), limits.queue);
        const goodsId = goodsOf(r);
        await sale(goodsId);
        const [place] = (await s.room.places(goodsId, [token.id])) ?? [];
        if (!place) throw NO_ROOM;
        return { body: queueStatus(place) satisfies QueueStatus };
      },
    },
    {
      // The order: the one-time path, then the hot path (seckill/place-order.ts). Its limit is
      // in this instance's memory: the path, limited in Redis, already gates every order.
      method: 'POST',
      pattern: '/api/seckill/:goodsId/:path/order',
      order: true,
      async handle(r) {
        const token = user(r);
        if (s.soldOut.isSoldOut(Number(r.params.goodsId))) throw SOLD_OUT;
        if (!s.localLimiter.hit('order', String(token.id), limits.order)) throw LIMITED;
        const goodsId = goodsOf(r);
        const path = PathToken.safeParse(r.params.path);
        if (!path.success) throw new AppError('BAD_PATH');
        try {
          await placeOrder(s, token.id, goodsId, path.data);
        } catch (err) {
          throw await refusalFor(s.catalog, goodsId, err);
        }
        return { status: 202, body: { status: 'queued' } satisfies OrderQueuedResponse };
      },
    },
    {
      // The result poll: while a sale runs, every shopper who ordered asks it until the outcome
      // is known (or has it pushed over the event stream).
      method: 'GET',
      pattern: '/api/seckill/:goodsId/result',
      async handle(r) {
        const token = user(r);
        const goodsId = goodsOf(r);
        return { body: (await s.stock.result(goodsId, token.id)) satisfies OrderResult };
      },
    },
  ];
}
