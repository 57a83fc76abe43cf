import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    consumer: false,
    env: { LIMIT_REGISTER_PER_IP: '5', LIMIT_LOGIN_PER_IP: '8' },
  });
});
afterAll(() => h?.close());

describe('auth', () => {
  const name = () => `shopper_${Math.random().toString(36).slice(2, 10)}`;

  it('registers, logs in and answers /api/me from the token', async () => {
    const username = name();
    const reg = await h.request('POST', '/api/auth/register', {
      body: { username, password: 'correct horse' },
    });
    expect(reg.status).toBe(201);
    expect(reg.body.user).toMatchObject({ username, role: 'user' });
    const claims = jwt.decode(reg.body.token, { complete: true });
    expect(claims?.header.alg).toBe('HS256');
    expect(claims?.payload).toMatchObject({
      sub: String(reg.body.user.id),
      name: username,
      role: 'user',
    });
    expect((claims?.payload as jwt.JwtPayload).exp).toBeGreaterThan(Date.now() / 1000);

    const login = await h.request('POST', '/api/auth/login', {
      body: { username, password: 'correct horse' },
    });
    expect(login.status).toBe(200);
    const me = await h.request('GET', '/api/me', { token: login.body.token });
    expect(me.status).toBe(200);
    expect(me.body.user).toEqual(reg.body.user);

    const [row] = await h.query<{ password_hash: string }>(
      'SELECT password_hash FROM users WHERE username = ?',
      [username],
    );
    expect(row?.password_hash).toMatch(/^scrypt\$/);
    expect(row?.password_hash).not.toContain('correct horse');
  });

  it('refuses a taken name, bad input and unknown fields', async () => {
    const username = name();
    await h.request('POST', '/api/auth/register', { body: { username, password: 'password123' } });
    const taken = await h.request('POST', '/api/auth/register', {
      body: { username, password: 'password123' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('USERNAME_TAKEN');

    const short = await h.request('POST', '/api/auth/login', {
      body: { username: '', password: 'x' },
    });
    expect(short.status).toBe(422);
    expect(short.body.code).toBe('VALIDATION');

    const extra = await h.request('POST', '/api/auth/login', {
      body: { username: 'a', password: 'b', role: 'admin' },
    });
    expect(extra.status).toBe(422);
    expect(extra.body.fields).toHaveProperty('role', 'unknown field');
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const wrong = await h.request('POST', '/api/auth/login', {
      body: { username: 'nobody-here', password: 'whatever1' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ code: 'BAD_CREDENTIALS', message: expect.any(String) });
  });

  it('refuses missing, garbage, foreign and unsigned tokens', async () => {
    expect((await h.request('GET', '/api/me')).body.code).toBe('UNAUTHORIZED');
    expect((await h.request('GET', '/api/me', { token: 'garbage' })).body.code).toBe(
      'TOKEN_INVALID',
    );
    const foreign = jwt.sign({ name: 'x', role: 'admin' }, 'another-secret', {
      subject: '1',
      expiresIn: 60,
    });
    const r1 = await h.request('GET', '/api/me', { token: foreign });
    expect(r1.status).toBe(401);
    const none = jwt.sign({ name: 'x', role: 'admin', sub: '1' }, '', { algorithm: 'none' });
    const r2 = await h.request('GET', '/api/me', { headers: { authorization: `Bearer ${none}` } });
    expect(r2.status).toBe(401);
    const expired = jwt.sign({ name: 'x', role: 'user' }, h.env.JWT_SECRET ?? '', {
      subject: '1',
      expiresIn: -10,
    });
    expect((await h.request('GET', '/api/me', { token: expired })).status).toBe(401);
  });

  it('limits registrations per IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const r = await h.request('POST', '/api/auth/register', {
        body: { username: name(), password: 'password123' },
      });
      statuses.push(r.status);
    }
    expect(statuses).toContain(429);
    const limited = await h.request('POST', '/api/auth/register', {
      body: { username: name(), password: 'password123' },
    });
    expect(limited.body.code).toBe('RATE_LIMITED');
  });
});
