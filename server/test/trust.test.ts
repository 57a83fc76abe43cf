import jwt from 'jsonwebtoken';
import { passwordHashPool } from '@seckill/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_SECRETS } from '../src/config.ts';
import { startHarness, type Harness } from './harness.ts';

const [OLD_DEFAULT = ''] = PUBLIC_SECRETS;

// Issue 21, each finding as the attacker tried it. Two stacks: one trusts no forwarded header
// (a shop without a balancer), one believes X-Forwarded-For from loopback only (behind nginx).
let direct: Harness;
let proxied: Harness;
beforeAll(async () => {
  [direct, proxied] = await Promise.all([
    startHarness({ consumer: false, env: { LIMIT_REGISTER_PER_IP: '3', TRUST_PROXY: '' } }),
    startHarness({
      consumer: false,
      env: {
        TRUST_PROXY: '127.0.0.1',
        LIMIT_REGISTER_PER_IP: '3',
        LIMIT_LOGIN_PER_IP: '1000',
        LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '5',
        LIMIT_LOGIN_FAILURES_PER_IP: '1000',
      },
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([direct?.close(), proxied?.close()]);
});

const from = (ip: string) => ({ 'x-forwarded-for': ip });
const name = () => `t_${Math.random().toString(36).slice(2, 12)}`;

describe('tokens nobody else can sign', () => {
  it('refuses an admin token signed with the old public default secret', async () => {
    const [admin] = await direct.createUsers(1, 'admin', 'adm');
    const forged = jwt.sign({ name: 'admin', role: 'admin' }, OLD_DEFAULT, {
      subject: String(admin!.id),
      jwtid: 'forged-by-anyone',
      expiresIn: 600,
    });
    for (const url of ['/api/admin/stats', '/api/me', '/api/wallet']) {
      const r = await direct.request('GET', url, { token: forged });
      expect(r.status, url).toBe(401);
      expect(r.body.code).toBe('TOKEN_INVALID');
    }
    const credit = await direct.request('POST', `/api/admin/users/${admin!.id}/credit`, {
      token: forged,
      body: { amount: 100, note: 'free money' },
    });
    expect(credit.status).toBe(401);
    expect(await direct.request('GET', '/api/admin/stats', { token: admin!.token })).toMatchObject({
      status: 200,
    });
  });

  it('refuses tokens without exp or jti, or with a role it does not know', async () => {
    const [u] = await direct.createUsers(1);
    const secret = direct.env.JWT_SECRET!;
    const claims = { sub: String(u!.id), name: u!.username };
    const cases = {
      noExp: jwt.sign({ ...claims, role: 'user', jti: 'a-token-id' }, secret),
      noJti: jwt.sign({ ...claims, role: 'user' }, secret, { expiresIn: 600 }),
      superuser: jwt.sign({ ...claims, role: 'superuser', jti: 'b' }, secret, { expiresIn: 600 }),
    };
    for (const [what, token] of Object.entries(cases)) {
      const r = await direct.request('GET', '/api/me', { token });
      expect(r.status, what).toBe(401);
    }
    expect((await direct.request('GET', '/api/me', { token: u!.token })).status).toBe(200);
  });

  it('verifies, never signs, with the previous secret, for one token lifetime', async () => {
    const { TokenService } = await import('../src/http/auth.ts');
    const old = 'o'.repeat(40);
    const now = 'n'.repeat(40);
    const before = new TokenService(old, 3600);
    const after = new TokenService(now, 3600, old);
    const user = { id: 7, username: 'alice', role: 'user' as const };
    const issued = before.sign(user);
    expect(after.verify(issued).id).toBe(7);
    const fresh = after.sign(user);
    expect(() => new TokenService(old, 3600).verify(fresh)).toThrow();
    // Signed with the old secret but claiming to live longer than one lifetime: refused.
    const long = jwt.sign({ name: 'alice', role: 'user' }, old, {
      subject: '7',
      jwtid: 'x',
      expiresIn: 7200,
    });
    expect(() => after.verify(long)).toThrow();
    expect(() => new TokenService(now, 3600).verify(issued)).toThrow();
  });
});

describe('forwarded addresses', () => {
  it('ignores X-Forwarded-For from a sender it does not trust: its limit counts the socket', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const r = await direct.request('POST', '/api/auth/register', {
        body: { username: name(), password: 'password123' },
        headers: from(`203.0.113.${i + 1}`),
      });
      codes.push(r.status);
    }
    expect(codes).toEqual([201, 201, 201, 429]);
  });

  it('believes the balancer, and a client cannot prepend its own address through it', async () => {
    const register = (xff: string) =>
      proxied.request('POST', '/api/auth/register', {
        body: { username: name(), password: 'password123' },
        headers: from(xff),
      });
    // The balancer appends what it saw: whatever the client put first, the last hop counts.
    const codes: number[] = [];
    for (let i = 0; i < 4; i += 1) codes.push((await register(`10.${i}.0.1, 198.51.100.1`)).status);
    expect(codes).toEqual([201, 201, 201, 429]);
    // Another client address has a limit of its own; an IPv4-mapped spelling is the same client.
    expect((await register('198.51.100.2')).status).toBe(201);
    expect((await register('::ffff:198.51.100.1')).status).toBe(429);
    // A header too long or not an address is ignored (the balancer's own address counts); the
    // rate-limit key stays small whatever was sent.
    expect((await register('x'.repeat(12_000))).status).toBe(201);
    const keys = await proxied.s.redis.keys(`${proxied.prefix}rl:*`);
    expect(Math.max(...keys.map((k) => k.length))).toBeLessThan(120);
    for (const k of keys) expect(await proxied.s.redis.pttl(k)).toBeGreaterThan(0);
  });
});

describe('no free money', () => {
  it('opens a new account with an empty wallet', async () => {
    const reg = await proxied.request('POST', '/api/auth/register', {
      body: { username: name(), password: 'password123' },
      headers: from('192.0.2.200'),
    });
    expect(reg.status).toBe(201);
    const w = await proxied.request('GET', '/api/wallet', { token: reg.body.token });
    expect(w.status).toBe(200);
    expect(w.body).toMatchObject({ balance: 0, total: 0, entries: [] });
  });
});

describe('logins a flood cannot block', () => {
  const login = (username: string, password: string, ip: string) =>
    proxied.request('POST', '/api/auth/login', { body: { username, password }, headers: from(ip) });

  it('locks an account after its failures without hashing, with Retry-After', async () => {
    const [victim] = await proxied.createUsers(1, 'user', 'lock');
    // Every spelling MySQL finds the account by counts against it: case and accents too.
    const spellings = [
      victim!.username,
      victim!.username.toUpperCase(),
      victim!.username.replace('o', 'ó'),
    ];
    for (let i = 0; i < 5; i += 1) {
      const r = await login(spellings[i % 3]!, 'wrong-password', `198.18.1.${i}`);
      expect(r.body.code).toBe('BAD_CREDENTIALS');
    }
    const hashes = passwordHashPool().started;
    for (let i = 0; i < 5; i += 1) {
      const r = await login(victim!.username, i === 4 ? 'password123' : 'nope', `198.18.2.${i}`);
      expect(r.status).toBe(429);
      expect(r.body.code).toBe('RATE_LIMITED');
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(60);
    }
    expect(passwordHashPool().started).toBe(hashes);
  });

  it("80 concurrent wrong logins from 80 addresses leave alice's 9 logins succeeding", async () => {
    const [alice, bob] = await proxied.createUsers(2, 'user', 'door');
    const aliceIp = '198.19.0.1';
    // Alice has logged in from home before; the flood aims at her, at bob and at made-up names.
    expect((await login(alice!.username, 'password123', aliceIp)).status).toBe(200);
    const targets = [alice!.username, bob!.username, 'nobody_here'];
    const flood = Array.from({ length: 80 }, (_, i) =>
      login(targets[i % 3]!, `guess-${i}`, `198.20.${i >> 8}.${i & 255}`),
    );
    const mine: number[] = [];
    for (let i = 0; i < 9; i += 1)
      mine.push((await login(alice!.username, 'password123', aliceIp)).status);
    const answers = await Promise.all(flood);
    expect(mine).toEqual(Array(9).fill(200));
    // The flood learns nothing and breaks nothing: wrong, locked or busy, never a 500.
    for (const r of answers) {
      expect([401, 429, 503]).toContain(r.status);
      expect(['BAD_CREDENTIALS', 'RATE_LIMITED', 'RETRY']).toContain(r.body.code);
    }
    expect(passwordHashPool().load.running).toBe(0);
  });
});
