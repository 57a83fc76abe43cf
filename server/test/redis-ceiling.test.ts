import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, portOpen } from '@seckill/test-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSaleSettled } from '../src/seckill/consistency.ts';
import { startHarness, type Harness } from './harness.ts';

// Issue 21: Redis at its ceiling (maxmemory, noeviction) refuses writes. The shop answers 503
// RETRY — nothing reserved, nothing half-written — and, once there is room again, sells exactly
// its stock. The shop's own Redis here, on a port of its own, so the shared one is never filled.
let redis: ChildProcess;
let dir: string;
let h: Harness;

beforeAll(async () => {
  const port = await freePort();
  dir = mkdtempSync(join(tmpdir(), 'seckill-ceiling-'));
  redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { cwd: dir, stdio: 'ignore' },
  );
  redis.once('error', () => {});
  for (let i = 0; i < 100 && !(await portOpen(port)); i += 1)
    await new Promise((r) => setTimeout(r, 100));
  h = await startHarness({
    env: {
      REDIS_URL: `redis://127.0.0.1:${port}`,
      LIMIT_PATH_PER_USER: '100',
      LIMIT_ORDER_PER_USER: '100',
    },
  });
});
afterAll(async () => {
  await h?.s.redis.config('SET', 'maxmemory', '0').catch(() => {});
  await h?.close();
  redis?.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function usedMemory(): Promise<number> {
  const info = await h.s.redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

describe('Redis at its memory ceiling', () => {
  it('answers 503 RETRY, reserves nothing, and sells exactly the stock once it has room', async () => {
    const sale = await h.createSale({ stock: 20 });
    const users = await h.createUsers(30);
    const early = [];
    for (const u of users.slice(0, 10)) {
      const p = await h.path(sale.id, u.token);
      expect(p.status).toBe(200);
      early.push({ u, path: p.body.path as string });
    }

    // Fill it: a small ceiling, then writes until Redis refuses one, then held below what it uses.
    await h.s.redis.config('SET', 'maxmemory-policy', 'noeviction');
    await h.s.redis.config('SET', 'maxmemory', String((await usedMemory()) + 2 * 1024 * 1024));
    const junk = 'x'.repeat(10_000);
    let refused = '';
    for (let i = 0; i < 10_000 && !refused; i += 1) {
      await h.s.redis.set(`${h.prefix}junk:${i}`, junk).catch((err: Error) => {
        refused = err.message;
      });
    }
    expect(refused).toMatch(/^OOM /);
    await h.s.redis.config('SET', 'maxmemory', String((await usedMemory()) - 512 * 1024));

    for (const { u, path } of early) {
      const r = await h.request('POST', `/api/seckill/${sale.id}/${path}/order`, {
        token: u.token,
      });
      expect(r.status).toBe(503);
      expect(r.body.code).toBe('RETRY');
      expect(r.headers['retry-after']).toBe('1');
    }
    const later = await h.path(sale.id, users[10]!.token);
    expect(later.status).toBe(503);
    expect(later.body.code).toBe('RETRY');
    expect((await h.s.stock.stockLeft([sale.id])).get(sale.id)).toBe(20);
    expect(await h.query('SELECT id FROM orders WHERE goods_id = ?', [sale.id])).toEqual([]);

    // Room again: every shopper tries once more; exactly the stock is sold, once each.
    await h.s.redis.config('SET', 'maxmemory', '0');
    // A refused reservation wrote nothing: the shoppers' one-time paths still work.
    for (const { u, path } of early) {
      const r = await h.request('POST', `/api/seckill/${sale.id}/${path}/order`, {
        token: u.token,
      });
      expect(r.status).toBe(202);
    }
    const answers = await Promise.all(users.slice(10).map((u) => h.order(sale.id, u.token)));
    const codes = [
      ...early.map(() => 'QUEUED'),
      ...answers.map((r) => (r.status === 202 ? 'QUEUED' : r.body.code)),
    ];
    expect(codes.filter((c) => c === 'QUEUED')).toHaveLength(20);
    expect(codes.filter((c) => c === 'SOLD_OUT')).toHaveLength(10);
    const report = await checkSaleSettled(h.s.db, h.s.stock, sale.id, () => h.s.publisher.depth());
    expect(report).toMatchObject({
      ordersDb: 20,
      stockLeftDb: 0,
      stockLeftRedis: 0,
      buyersRedis: 20,
      markedWithoutOrder: 0,
      ordersWithoutMark: 0,
      duplicates: 0,
      oversold: 0,
      undersold: 0,
    });
  });
});
