import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenService } from './auth.ts';

afterEach(() => vi.useRealTimers());

const alice = { id: 7, username: 'alice', role: 'user' as const };

describe('TokenService', () => {
  it('verifies a token it signed, and again from its cache', () => {
    const t = new TokenService('s'.repeat(40), 60);
    const token = t.sign(alice);
    const first = t.verify(token);
    expect(first).toMatchObject({ id: 7, name: 'alice', role: 'user' });
    expect(first.jti).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(t.verify(token)).toBe(first);
  });

  it('refuses a revoked token at once, even from its cache, and keeps refusing it', () => {
    const t = new TokenService('s'.repeat(40), 60);
    const token = t.sign(alice);
    const other = t.sign(alice);
    const user = t.verify(token);
    t.revoke(user.jti ?? '', user.expMs ?? 0);
    expect(() => t.verify(token)).toThrow(/invalid/i);
    expect(t.verify(other).id).toBe(7);
    t.prune();
    expect(() => t.verify(token)).toThrow(/invalid/i);
  });

  it('refuses a tampered or foreign token even after the real one was cached', () => {
    const t = new TokenService('s'.repeat(40), 60);
    const token = t.sign(alice);
    t.verify(token);
    const [h, p, sig] = token.split('.');
    const other = new TokenService('o'.repeat(40), 60).sign(alice);
    expect(() => t.verify(`${h}.${p}.${sig?.slice(0, -2)}xx`)).toThrow(/invalid/i);
    expect(() => t.verify(other)).toThrow(/invalid/i);
  });

  it('refuses a cached token once it has expired', () => {
    vi.useFakeTimers();
    const t = new TokenService('s'.repeat(40), 1);
    const token = t.sign(alice);
    expect(t.verify(token).id).toBe(7);
    vi.advanceTimersByTime(1000);
    expect(() => t.verify(token)).toThrow(/invalid/i);
  });
});
