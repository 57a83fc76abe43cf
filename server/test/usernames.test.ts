import { fillUsernameSkeletons } from '@seckill/db';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ consumer: false });
});
afterAll(() => h?.close());

const register = (username: string) =>
  h.request('POST', '/api/auth/register', { body: { username, password: 'password123' } });

describe('usernames', () => {
  it('refuses a name that looks like a taken one, in any script, case or width', async () => {
    expect((await register('admin')).status).toBe(201);
    for (const lookalike of [
      'аdmin', // Cyrillic а
      'АDMIN', // Cyrillic А, capitals
      'ADMIN',
      'Admin',
      'ａｄｍｉｎ', // fullwidth, folded to admin by NFKC
      'admín',
      'adrnin', // r n for m
    ]) {
      const r = await register(lookalike);
      expect(r.status, lookalike).toBe(409);
      expect(r.body.code, lookalike).toBe('USERNAME_TAKEN');
    }
    const [{ n }] = await h.query(
      "SELECT COUNT(*) AS n FROM users WHERE username_skeleton LIKE 'adrn%'",
    );
    expect(Number(n)).toBe(1);

    const distinct = await register('admiral');
    expect(distinct.status).toBe(201);
    expect(distinct.body.user.username).toBe('admiral');
  });

  it('stores and logs in names as NFKC', async () => {
    const reg = await register('ｍａｒｉｓａ');
    expect(reg.status).toBe(201);
    expect(reg.body.user.username).toBe('marisa');
    const login = await h.request('POST', '/api/auth/login', {
      body: { username: 'ｍａｒｉｓａ', password: 'password123' },
    });
    expect(login.status).toBe(200);
    expect(login.body.user).toEqual(reg.body.user);
  });

  it('fills the skeletons of older accounts, the older one keeping it when two look alike', async () => {
    // As the accounts were before migration 007: no skeleton.
    const insert = (name: string) =>
      h.query("INSERT INTO users (username, password_hash, role) VALUES (?, 'x', 'user')", [name]);
    await insert('old_paypal');
    await insert('old_pаypаl'); // Cyrillic а: registered beside it before the check
    await insert('old_bob');
    const ids = async () =>
      new Map(
        (
          await h.query<{ id: number; username: string; username_skeleton: string | null }>(
            "SELECT id, username, username_skeleton FROM users WHERE username LIKE 'old%'",
          )
        ).map((r) => [r.username, r]),
      );
    const before = await ids();
    const conn = await mysql.createConnection(h.config.mysql);
    try {
      expect(await fillUsernameSkeletons(conn)).toEqual([Number(before.get('old_pаypаl')?.id)]);
      // Run again (a migration stopped halfway): nothing changes.
      expect(await fillUsernameSkeletons(conn)).toEqual([Number(before.get('old_pаypаl')?.id)]);
    } finally {
      await conn.end();
    }
    const after = await ids();
    expect(after.get('old_paypal')?.username_skeleton).toBe('old_paypal');
    expect(after.get('old_pаypаl')?.username_skeleton).toBeNull();
    expect(after.get('old_bob')?.username_skeleton).toBe('old_bob');
    // The filled skeleton refuses a new look-alike of the older name (the names differ in MySQL).
    expect((await register('оld_paypal')).body.code).toBe('USERNAME_TAKEN'); // Cyrillic о
  });
});
