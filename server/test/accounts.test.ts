import type { Pool } from 'mysql2/promise';
import { createPool } from '@seckill/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserStore } from '../src/stores/users.ts';
import { startHarness, type Harness } from './harness.ts';

// The account check of requests that come together is one query; it still reads MySQL after
// every request arrived, so a deletion or a role change counts from the next request on.
let h: Harness;
let db: Pool;
let queries = 0;
let store: UserStore;
beforeAll(async () => {
  h = await startHarness({ consumer: false });
  db = createPool(h.config.mysql, { connectionLimit: 2 });
  const query = db.query.bind(db) as (...a: unknown[]) => unknown;
  (db as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
    queries += 1;
    return query(...a);
  };
  store = new UserStore(db);
});
afterAll(async () => {
  await db?.end();
  await h?.close();
});

describe('account checks', () => {
  it('reads the accounts of requests that arrive together in one query, each its own answer', async () => {
    const users = await h.createUsers(5);
    const [admin] = await h.createUsers(1, 'admin');
    if (!admin) throw new Error('no admin');
    const ids = [...users.map((u) => u.id), admin.id, users[0]!.id, 2_000_000_000];
    const before = queries;
    const answers = await Promise.all(ids.map((id) => store.account(id)));
    expect(queries - before).toBe(1);
    expect(answers).toEqual([
      ...users.map(() => ({ role: 'user' })),
      { role: 'admin' },
      { role: 'user' },
      null,
    ]);
  });

  it('sees a deletion and a role change at the next check', async () => {
    // No money for B, so no ledger: an account with a ledger is never deleted.
    const [a] = await h.createUsers(1);
    const [b] = await h.createUsers(1, 'user', 'gone', 0);
    if (!a || !b) throw new Error('no users');
    expect(await Promise.all([store.account(a.id), store.account(b.id)])).toEqual([
      { role: 'user' },
      { role: 'user' },
    ]);
    await h.query(`UPDATE users SET role = 'admin' WHERE id = ?`, [a.id]);
    await h.query('DELETE FROM users WHERE id = ?', [b.id]);
    const [ra, rb] = await Promise.all([store.account(a.id), store.account(b.id)]);
    expect([ra, rb]).toEqual([{ role: 'admin' }, null]);
  });

  it('turns a failed read into an error for each request of the batch', async () => {
    const [u] = await h.createUsers(1);
    if (!u) throw new Error('no user');
    const gone = createPool({ ...h.config.mysql, port: 1 }, { connectionLimit: 1 });
    const broken = new UserStore(gone);
    const results = await Promise.allSettled([broken.account(u.id), broken.account(u.id)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await gone.end();
  });
});
