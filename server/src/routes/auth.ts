import Router from '@koa/router';
import { LoginBody, RegisterBody, type AuthResponse, type PublicUser } from '@seckill/contracts';
import { hashPassword, needsRehash, verifyPassword } from '@seckill/db';
import { currentUser, requireLiveUser, requireUser } from '../http/auth.ts';
import { parse } from '../http/body.ts';
import { AppError } from '../http/errors.ts';
import { rateLimit } from '../http/rate-limit.ts';
import type { Services } from '../services.ts';
import { byIp } from '../http/rate-keys.ts';
import { addressKey } from '../http/client-ip.ts';

// Verifying against this when the user does not exist keeps the timing of both failures alike.
let noSuchUserHash: Promise<string> | null = null;
const dummyHash = () => (noSuchUserHash ??= hashPassword('no-such-user-password'));

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
    const attempt = { account: body.username, address: addressKey(ctx.ip) };
    // Locked accounts and addresses are refused here, before a user lookup or a hash.
    let found: Awaited<ReturnType<typeof s.users.findByUsername>> | undefined;
    const lookup = async () => (found ??= await s.users.findByUsername(body.username));
    const priority = await s.loginGuard.admit(attempt, async () => (await lookup()) !== null);
    const user = await s.loginGuard.hashing(attempt, async () => {
      const row = await lookup();
      const ok = await verifyPassword(
        body.password,
        row?.passwordHash ?? (await dummyHash()),
        priority,
      );
      return ok ? row : null;
    });
    if (!user) {
      await s.loginGuard.failed(attempt);
      throw new AppError('BAD_CREDENTIALS');
    }
    await s.loginGuard.succeeded(attempt);
    // Hashes from before today's parameters are upgraded now, while the password is at hand.
    if (needsRehash(user.passwordHash))
      await s.users.setPasswordHash(user.id, await hashPassword(body.password, priority));
    const me: PublicUser = { id: user.id, username: user.username, role: user.role };
    ctx.body = { token: s.tokens.sign(me), user: me } satisfies AuthResponse;
  });

  r.post('/api/auth/logout', requireUser(s.tokens), async (ctx) => {
    const me = currentUser(ctx.state);
    if (me.jti && me.expMs) await s.revocations.revoke(me.jti, me.expMs);
    ctx.status = 204;
  });

  r.get(
    '/api/me',
    requireLiveUser(s.tokens, (id) => s.users.account(id)),
    (ctx) => {
      const me = currentUser(ctx.state);
      ctx.body = { user: { id: me.id, username: me.name, role: me.role } satisfies PublicUser };
    },
  );

  return r;
}
