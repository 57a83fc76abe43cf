import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool, migrate, mysqlConfigFromEnv } from '@seckill/db';
import {
  freePort,
  isolatedDeployment,
  NodeChild,
  removeDeployment,
  type Deployment,
} from '@seckill/test-stack';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';

/**
 * Distinct URLs must not cost memory: an API once kept every path it was asked for, and 90,000
 * requests for missing files grew it by 166 MB. The API runs as its own process here, so its RSS
 * is its own; the per-IP static limit is lifted, so every request reaches the static handler.
 */

const dist = mkdtempSync(join(tmpdir(), 'seckill-static-mem-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><html><body>shop</body></html>');
writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1);');

let d: Deployment;
let api: NodeChild;
let port: number;
const env = { ...process.env, NODE_ENV: 'test' };

beforeAll(async () => {
  d = isolatedDeployment('t');
  await migrate(mysqlConfigFromEnv({ ...env, ...d.env }));
  port = await freePort();
  api = new NodeChild('api', {
    script: 'server/src/main.ts',
    env: {
      ...env,
      ...d.env,
      PORT: String(port),
      WEB_DIST: dist,
      LIMIT_STATIC_PER_IP: '10000000',
      LIMIT_GLOBAL_RPS: '10000000',
      LOG_LEVEL: 'info',
    },
  });
  await api.waitForLine(/API listening/);
});

afterAll(async () => {
  await api?.stop();
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const sql = createPool(mysqlConfigFromEnv({ ...env, ...d.env }), { connectionLimit: 1 });
  await removeDeployment({
    prefix: d.prefix,
    database: d.database,
    redis,
    amqpUrl: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    sql,
  });
  await sql.end();
  redis.disconnect();
  rmSync(dist, { recursive: true, force: true });
});

const PAD = 'x'.repeat(1000);

const rssMb = () => {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${api.pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
};

/** `count` requests for distinct missing files and client routes, 32 at a time; answers by status. */
async function flood(count: number, from: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const byStatus: Record<number, number> = {};
  let next = from;
  const end = from + count;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const n = next++;
      // Long paths, as an attacker would send: a kept path costs its length.
      const path = n % 2 ? `/assets/${n}-${PAD}.js` : `/some/route/${n}-${PAD}`;
      http
        .get({ host: '127.0.0.1', port, path, agent }, (res) => {
          res.resume();
          res.on('end', () => {
            byStatus[res.statusCode ?? 0] = (byStatus[res.statusCode ?? 0] ?? 0) + 1;
            resolve();
          });
        })
        .on('error', reject);
    });
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < end) await one();
    }),
  );
  agent.destroy();
  return byStatus;
}

it('stays flat over 90,000 requests for distinct missing URLs', { timeout: 240_000 }, async () => {
  // The first 10,000 bring the process to its working size (JIT, buffers, heap growth).
  await flood(10_000, 0);
  const before = rssMb();
  const answers = await flood(90_000, 10_000);
  const after = rssMb();
  console.log(
    `[static-memory] API RSS ${before.toFixed(1)} MB → ${after.toFixed(1)} MB over 90,000 distinct URLs; answers ${JSON.stringify(answers)}`,
  );
  // A missing asset is a 404; a client route is the SPA's index.html.
  expect(answers[404]).toBe(45_000);
  expect(answers[200]).toBe(45_000);
  // 166 MB when every path was remembered; bounded, it moves by what the GC happens to hold.
  expect(after - before).toBeLessThan(25);
});
