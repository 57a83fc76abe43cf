import Router from '@koa/router';
import { LoginBody, RegisterBody, type AuthResponse, type PublicUser } from '@seckill/contracts';
import { hashPassword, verifyPassword } from '@seckill/db';
import { currentUser, requireLiveUser } from '../http/auth.ts';
import { parse } from '../http/body.ts';
import { AppError } from '../http/errors.ts';
import { rateLimit } from '../http/rate-limit.ts';
import type { Services } from '../services.ts';
import { byIp } from './by.ts';

// Verifying against this when the user does not exist keeps the timing of both failures alike.
const NO_SUCH_USER_HASH = await hashPassword('no-such-user-password');

export function authRoutes(s: Services): Router {
  const r = new Router();
  const { limits } = s.config;

  r.post(
    '/api/auth/register',
    rateLimit(s.redisLimiter, 'register', limits.register, byIp),
    async (ctx) => {
      const body = parse(RegisterBody, ctx.request.body);
      const user = await s.users.create(
        body.username,
        await hashPassword(body.password),
        s.config.walletSignupCents,
      );
      if (!user) throw new AppError('USERNAME_TAKEN');
      ctx.status = 201;
      ctx.body = { token: s.tokens.sign(user), user } satisfies AuthResponse;
    },
  );

  r.post('/api/auth/login', rateLimit(s.redisLimiter, 'login', limits.login, byIp), async (ctx) => {
    const body = parse(LoginBody, ctx.request.body);
    const found = await s.users.findByUsername(body.username);
    const ok = await verifyPassword(body.password, found?.passwordHash ?? NO_SUCH_USER_HASH);
    if (!found || !ok) throw new AppError('BAD_CREDENTIALS');
    const user: PublicUser = { id: found.id, username: found.username, role: found.role };
    ctx.body = { token: s.tokens.sign(user), user } satisfies AuthResponse;
  });

  r.get(
    '/api/me',
    requireLiveUser(s.tokens, (id) => s.users.findById(id)),
    (ctx) => {
      const me = currentUser(ctx.state);
      ctx.body = { user: { id: me.id, username: me.name, role: me.role } satisfies PublicUser };
    },
  );

  return r;
}
