import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Role, type PublicUser } from '@seckill/contracts';
import type { Middleware } from 'koa';
import { AppError } from './errors.ts';

export interface AuthUser {
  id: number;
  name: string;
  role: Role;
  /** The token's id and expiry (ms), for logging it out. */
  jti?: string;
  expMs?: number;
}

declare module 'koa' {
  interface DefaultState {
    user?: AuthUser;
  }
}

/** Verified tokens kept, so a shopper's path, order and polls verify the signature once. */
const VERIFIED_MAX = 50_000;

/**
 * Signs and verifies HS256 tokens. The secret becomes a KeyObject once: handed a string,
 * jsonwebtoken builds a new key on every verify, which costs more than the rest of an order.
 * A token must carry `exp`, `jti`, a known role and a user id; the previous secret of a rotation
 * (JWT_SECRET_PREVIOUS) verifies what it signed, never signs, and only tokens that end within one
 * token lifetime from now.
 */
export class TokenService {
  private readonly key: KeyObject;
  private readonly previousKey: KeyObject | null;
  /** Token → its user and expiry (ms); only tokens that passed `jwt.verify` get in. */
  private readonly verified = new Map<string, { user: AuthUser; expMs: number }>();
  /** Logged-out token ids → their expiry (ms): refused until then, forgotten after. */
  private readonly revoked = new Map<string, number>();

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
    previousSecret = '',
  ) {
    if (!secret) throw new Error('TokenService needs a secret');
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
    this.previousKey = previousSecret ? createSecretKey(Buffer.from(previousSecret, 'utf8')) : null;
  }

  sign(user: PublicUser): string {
    return jwt.sign({ name: user.username, role: user.role }, this.key, {
      algorithm: 'HS256',
      subject: String(user.id),
      expiresIn: this.ttlSeconds,
      jwtid: randomBytes(12).toString('base64url'),
    });
  }

  verify(token: string): AuthUser {
    const known = this.verified.get(token);
    // The same expiry rule as jwt.verify: valid while now < exp.
    const user = known && Date.now() < known.expMs ? known.user : this.verifySignature(token);
    if (user.jti && this.revoked.has(user.jti)) throw new AppError('TOKEN_INVALID');
    return user;
  }

  /** Refuses a token id from now until its expiry (a logout, here or on another instance). */
  revoke(jti: string, expMs: number) {
    if (expMs <= Date.now()) return;
    this.revoked.set(jti, expMs);
  }

  /** Forgets logged-out ids whose tokens have expired anyway, and expired verified tokens. */
  prune(now = Date.now()) {
    for (const [jti, exp] of this.revoked) if (exp <= now) this.revoked.delete(jti);
    for (const [token, v] of this.verified) if (v.expMs <= now) this.verified.delete(token);
  }

  private claimsOf(token: string): jwt.JwtPayload {
    const check = (key: KeyObject) => jwt.verify(token, key, { algorithms: ['HS256'] });
    let claims: jwt.JwtPayload | string;
    try {
      claims = check(this.key);
    } catch (err) {
      if (!this.previousKey || !(err instanceof jwt.JsonWebTokenError)) throw err;
      if (err.message !== 'invalid signature') throw err;
      claims = check(this.previousKey);
      if (typeof claims === 'string' || typeof claims.exp !== 'number') throw err;
      // The old secret's tokens end within one lifetime of the rotation, whatever they claim.
      if (claims.exp * 1000 > Date.now() + this.ttlSeconds * 1000) throw err;
    }
    if (typeof claims === 'string') throw new Error('not an object');
    return claims;
  }

  private verifySignature(token: string): AuthUser {
    let claims: jwt.JwtPayload;
    try {
      claims = this.claimsOf(token);
    } catch {
      throw new AppError('TOKEN_INVALID');
    }
    const id = Number(claims.sub);
    const role = Role.safeParse(claims.role);
    if (!Number.isSafeInteger(id) || id <= 0 || !role.success || typeof claims.name !== 'string') {
      throw new AppError('TOKEN_INVALID');
    }
    // Every token ends, and carries an id so that a logout can end it sooner.
    if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp))
      throw new AppError('TOKEN_INVALID');
    const expMs = claims.exp * 1000;
    if (typeof claims.jti !== 'string' || claims.jti.length === 0 || claims.jti.length > 64)
      throw new AppError('TOKEN_INVALID');
    const jti = claims.jti;
    const user: AuthUser = Object.freeze({ id, name: claims.name, role: role.data, jti, expMs });
    if (this.verified.size >= VERIFIED_MAX) {
      // Oldest first: a Map iterates in insertion order.
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(token, { user, expMs });
    return user;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/** The JWT of an `Authorization: Bearer …` header, or null when the header is not one. */
export function bearerToken(header: string | undefined): string | null {
  return (header && BEARER.exec(header)?.[1]) || null;
}

/** The user of an `Authorization` header: 401 UNAUTHORIZED without one, TOKEN_INVALID for a bad one. */
export function authenticate(tokens: TokenService, header: string | undefined): AuthUser {
  if (!header) throw new AppError('UNAUTHORIZED');
  const token = bearerToken(header);
  if (!token) throw new AppError('TOKEN_INVALID');
  return tokens.verify(token);
}

export function requireUser(tokens: TokenService): Middleware {
  return async (ctx, next) => {
    ctx.state.user = authenticate(tokens, ctx.get('authorization') || undefined);
    return next();
  };
}

export const requireAdmin: Middleware = async (ctx, next) => {
  if (ctx.state.user?.role !== 'admin') throw new AppError('FORBIDDEN', 'Administrators only.');
  return next();
};

/** The acting user, always from the verified token. */
export function currentUser(state: { user?: AuthUser }): AuthUser {
  if (!state.user) throw new AppError('UNAUTHORIZED');
  return state.user;
}

/**
 * The account behind a verified token must still exist; its role is taken from MySQL, so a
 * deleted or demoted account loses access at once. Used where a request starts something
 * (captcha, path, admin), after the cheap checks; the order itself is gated by the one-time path.
 */
export function requireAccount(lookup: AccountLookup): Middleware {
  return async (ctx, next) => {
    ctx.state.user = await liveAccount(lookup, currentUser(ctx.state));
    return next();
  };
}

export type AccountLookup = (id: number) => Promise<{ role: Role } | null>;

/** The token's user as MySQL has it now: TOKEN_INVALID once the account is gone. */
export async function liveAccount(lookup: AccountLookup, user: AuthUser): Promise<AuthUser> {
  const row = await lookup(user.id);
  if (!row) throw new AppError('TOKEN_INVALID', 'This account no longer exists.');
  return { ...user, role: row.role };
}

export function requireLiveUser(tokens: TokenService, lookup: AccountLookup): Middleware {
  const verify = requireUser(tokens);
  const account = requireAccount(lookup);
  return (ctx, next) => verify(ctx, () => account(ctx, next));
}
