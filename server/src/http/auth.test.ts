import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenService } from './auth.ts';

afterEach(() => vi.useRealTimers());

const alice = { id: 7, username: 'alice', role: 'user' as const };

describe('TokenService', () => {
  it('verifies a token it signed, and again from its cache', () => {
    const t = new TokenService('s'.repeat(40), 60);
    const token = t.sign(alice);
    const first = t.verify(token);
    expect(first).toEqual({ id: 7, name: 'alice', role: 'user' });
    expect(t.verify(token)).toBe(first);
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
