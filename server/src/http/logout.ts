import { scanKeys, type RedisClient } from '@seckill/stock';
import type { TokenService } from './auth.ts';

/**
 * Logout that holds on every instance: the token's id goes into Redis until the token would have
 * expired, and over pub/sub into each instance's TokenService, which refuses it from memory. A
 * denylist rather than short-lived tokens with refresh: verifying stays one map lookup on the
 * order path (no Redis round trip), and the list only holds tokens logged out before their expiry.
 * What else a token opened (event streams) is ended through `onRevoked`, on every instance too.
 */
export class TokenRevocations {
  private readonly channel: string;
  private readonly keyPrefix: string;
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners: Array<(jti: string) => void> = [];

  constructor(
    private readonly redis: RedisClient,
    private readonly sub: RedisClient,
    private readonly tokens: TokenService,
    prefix: string,
  ) {
    this.channel = `${prefix}sk:revoked`;
    this.keyPrefix = `${prefix}sk:revoked:`;
  }

  /** Loads what other instances revoked before this one started, then listens. */
  async start(): Promise<void> {
    this.sub.on('message', (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      const [jti, exp] = raw.split(' ');
      if (jti && exp) this.apply(jti, Number(exp));
    });
    await this.sub.subscribe(this.channel);
    await scanKeys(this.redis, `${this.keyPrefix}*`, async (keys) => {
      // One GET per key, not MGET: on a cluster the keys lie in different slots.
      const values = await Promise.all(keys.map((k) => this.redis.get(k)));
      keys.forEach((k, i) => this.tokens.revoke(k.slice(this.keyPrefix.length), Number(values[i])));
    });
    this.timer = setInterval(() => this.tokens.prune(), 60_000);
    this.timer.unref();
  }

  /** Called with the id of every token logged out, here or on another instance. */
  onRevoked(listener: (jti: string) => void) {
    this.listeners.push(listener);
  }

  /** Whether a token was logged out (asked of Redis: for what was opened before the news came). */
  async isRevoked(jti: string): Promise<boolean> {
    return (await this.redis.exists(`${this.keyPrefix}${jti}`)) === 1;
  }

  async revoke(jti: string, expMs: number): Promise<void> {
    const ttl = Math.ceil(expMs - Date.now());
    if (ttl <= 0) return;
    this.apply(jti, expMs);
    await this.redis.set(`${this.keyPrefix}${jti}`, String(expMs), 'PX', ttl);
    await this.redis.publish(this.channel, `${jti} ${expMs}`);
  }

  private apply(jti: string, expMs: number) {
    this.tokens.revoke(jti, expMs);
    for (const listener of this.listeners) listener(jti);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
  }
}
