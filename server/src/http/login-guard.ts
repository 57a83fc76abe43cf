import type { HashPriority } from '@seckill/db';
import type { RedisClient } from '@seckill/stock';
import type { Limit } from '../config.ts';
import { AppError } from './errors.ts';
import type { RedisLimiter } from './rate-limit.ts';

/** An address a login succeeded from stays known to that account this long. */
const KNOWN_ADDRESS_MS = 30 * 24 * 3600_000;

export interface LoginAttempt {
  /** Whose password is tried: the name as typed, compared case-insensitively. */
  account: string;
  /** The client's address key (an IPv6 client's /64), from client-ip.ts. */
  address: string;
}

/**
 * Failed logins, counted per account and per address in Redis (shared by every instance), checked
 * before any password is hashed: a locked account or address answers 429 with Retry-After at the
 * cost of two GETs. An address the account logged in from before is not locked out by failures
 * made elsewhere (so a flood of wrong passwords from other addresses does not lock its owner
 * out), and its logins go first in the hash pool. Every key is bounded (a name of at most 32
 * characters, a normalised address) and ends (the window, or 30 days for a known address).
 */
export class LoginGuard {
  /** Accounts with a login being hashed on this instance: a second one at once is suspect. */
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly redis: RedisClient,
    private readonly limiter: RedisLimiter,
    private readonly prefix: string,
    private readonly limits: { perAccount: Limit; perAddress: Limit },
  ) {}

  /**
   * Throws RATE_LIMITED (with Retry-After) when the account or address has failed too often;
   * otherwise says how deserving the attempt is of a place in the hash pool.
   */
  async admit(a: LoginAttempt, accountExists: () => Promise<boolean>): Promise<HashPriority> {
    const account = accountKey(a.account);
    const [byAccount, byAddress, known] = await Promise.all([
      this.limiter.peek('login-fail-account', account),
      this.limiter.peek('login-fail-ip', a.address),
      this.redis.exists(this.knownKey(account, a.address)),
    ]);
    const { perAccount, perAddress } = this.limits;
    if (perAddress.max > 0 && byAddress.count >= perAddress.max) throw locked(byAddress.ttlMs);
    if (!known && perAccount.max > 0 && byAccount.count >= perAccount.max)
      throw locked(byAccount.ttlMs);
    if (known === 1) return 'known';
    if (byAccount.count > 0 || byAddress.count > 0 || this.inFlight.has(account)) return 'suspect';
    return (await accountExists()) ? 'clean' : 'suspect';
  }

  /** Marks the account's login as being hashed here until `done` settles. */
  async hashing<T>(a: LoginAttempt, done: () => Promise<T>): Promise<T> {
    const account = accountKey(a.account);
    this.inFlight.set(account, (this.inFlight.get(account) ?? 0) + 1);
    try {
      return await done();
    } finally {
      const n = (this.inFlight.get(account) ?? 1) - 1;
      if (n > 0) this.inFlight.set(account, n);
      else this.inFlight.delete(account);
    }
  }

  async failed(a: LoginAttempt): Promise<void> {
    await Promise.all([
      this.limiter.count(
        'login-fail-account',
        accountKey(a.account),
        this.limits.perAccount.windowMs,
      ),
      this.limiter.count('login-fail-ip', a.address, this.limits.perAddress.windowMs),
    ]);
  }

  /** The account's failures are forgiven and this address becomes one it is known from. */
  async succeeded(a: LoginAttempt): Promise<void> {
    const account = accountKey(a.account);
    await Promise.all([
      this.limiter.reset('login-fail-account', account),
      this.redis.set(this.knownKey(account, a.address), '1', 'PX', KNOWN_ADDRESS_MS),
    ]);
  }

  private knownKey(account: string, address: string) {
    return `${this.prefix}rl:login-known:${account}:${address}`;
  }
}

/**
 * One key for every spelling MySQL's collation (utf8mb4_unicode_ci) finds the same account by:
 * case and accents folded, so `ADMIN` and `admín` count against `admin`'s failures.
 */
const accountKey = (name: string) =>
  name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().slice(0, 64);

function locked(ttlMs: number): AppError {
  const retryAfterS = Math.max(1, Math.ceil(ttlMs / 1000));
  return new AppError(
    'RATE_LIMITED',
    'Too many failed logins; please wait before trying again.',
    undefined,
    { retryAfterS },
  );
}
