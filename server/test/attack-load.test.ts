import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { pool } from '@seckill/test-stack';
import { startHarness, type Harness } from './harness.ts';

/**
 * Attacks under load, through the real stack: idle half-open requests, and one address flooding
 * the static files, must not stop (or markedly slow) the other shoppers.
 */

const dist = mkdtempSync(join(tmpdir(), 'seckill-attack-web-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(
  join(dist, 'index.html'),
  '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body></body></html>',
);
writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1);'.repeat(100));

/** The per-IP limit of the static handler under test (the default: 600 files per 10 s). */
const STATIC_LIMIT = 600;
const STATIC_WINDOW_MS = 10_000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { WEB_DIST: dist, LIMIT_STATIC_PER_IP: String(STATIC_LIMIT) } });
});
afterAll(async () => {
  await h?.close();
  rmSync(dist, { recursive: true, force: true });
});

/** Nearest-rank percentile, as the bench computes it. */
function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (!sorted.length) return 0;
  return (
    sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] ?? 0
  );
}

describe('1,000 idle half-open requests', () => {
  it('do not stop shoppers being served', async () => {
    const goods = await h.createSale({ stock: 50 });
    const shoppers = await h.createUsers(50);
    // Half stop inside the request line, half inside the headers; then they say nothing more.
    const partial = [
      'GET /api/goo',
      'POST /api/seckill/1/path HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl',
    ];
    const sockets: net.Socket[] = [];
    let closed = 0;
    let answered = 0;
    try {
      for (let batch = 0; batch < 10; batch += 1) {
        await Promise.all(
          Array.from(
            { length: 100 },
            (_, i) =>
              new Promise<void>((resolve, reject) => {
                const sock = net.connect(h.port, '127.0.0.1', () => {
                  sock.write(partial[i % 2] ?? '');
                  resolve();
                });
                sock.once('error', reject);
                sock.on('data', () => (answered += 1));
                sock.on('close', () => (closed += 1));
                sockets.push(sock);
              }),
          ),
        );
      }
      expect(sockets.length).toBe(1000);
      // Connected is not yet accepted: give the server a moment to take all 1,000 off its accept
      // queue (511 deep), or the shoppers' own connections would wait for a SYN retry (1 s) —
      // the burst of opening them, not their being held, which is what this test is about.
      await new Promise((r) => setTimeout(r, 500));

      const t0 = performance.now();
      const latencies: number[] = [];
      const results = await Promise.all(
        shoppers.map(async (u) => {
          const t = performance.now();
          const r = await h.order(goods.id, u.token);
          latencies.push(performance.now() - t);
          return r.status;
        }),
      );
      const list = await h.request('GET', '/api/goods');
      const servedMs = performance.now() - t0;

      // Every shopper queued an order, the catalogue answered, and all of it while the 1,000 were
      // still held open and unanswered (else the test would have proven nothing).
      expect(results).toEqual(shoppers.map(() => 202));
      expect(list.status).toBe(200);
      expect(servedMs).toBeLessThan(5000);
      expect(closed).toBe(0);
      expect(answered).toBe(0);
      const orders = await h.waitFor(
        () =>
          h.query<{ n: number }>('SELECT COUNT(*) AS n FROM orders WHERE goods_id = ?', [goods.id]),
        (rows) => Number(rows[0]?.n) === 50,
      );
      expect(Number(orders[0]?.n)).toBe(50);
      console.log(
        `[attack] 1000 half-open requests held: 50 shoppers path+order 202 and GET /api/goods 200 in ` +
          `${servedMs.toFixed(0)} ms (path+order p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
          `max ${Math.max(...latencies).toFixed(1)} ms)`,
      );
    } finally {
      for (const s of sockets) s.destroy();
    }
  });
});

/**
 * The flooding client: a process of its own, started once, at the lowest CPU priority, with
 * `connections` keep-alive connections from one address, each asking for the next distinct static
 * URL as soon as the last is answered (while told to flood; idle between rounds). On a network the
 * attacker's CPU is its own; on this 2-core machine a client at full speed and normal priority
 * takes a core from the API, MariaDB, Redis and RabbitMQ — such a client (32 connections, normal
 * priority) flooding a separate trivial server, not the API, raised the order p99 2.5× by itself
 * (26 → 66 ms), which would measure the machine, not the API. Niced, it still sends thousands of
 * requests a second, and the API's thread answers every one of them. (Started afresh for each round, its start-up showed as
 * spikes in the shoppers' tail: hence one client, paused between rounds.)
 */
const FLOOD = `
const os = require('node:os');
const http = require('node:http');
os.setPriority(19);
const { port, connections } = JSON.parse(process.argv[1]);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
let byStatus = {};
let n = 0;
let since = Date.now();
let running = false;
let resume = () => {};
let resumed = new Promise((r) => (resume = r));
const one = () => new Promise((resolve) => {
  n += 1;
  const id = n.toString(36) + Math.random().toString(36).slice(2);
  const path = n % 2 ? '/assets/' + id + '.js' : '/x/' + id;
  const req = http.get({ host: '127.0.0.1', port, path, agent, headers: { accept: '*/*' } }, (res) => {
    res.resume();
    res.on('end', () => { byStatus[res.statusCode] = (byStatus[res.statusCode] || 0) + 1; resolve(); });
  });
  req.on('error', () => { byStatus.error = (byStatus.error || 0) + 1; resolve(); });
});
const loop = async () => { for (;;) { if (!running) await resumed; await one(); } };
for (let i = 0; i < connections; i += 1) loop();
process.on('message', (m) => {
  if (m === 'flood') {
    byStatus = {};
    since = Date.now();
    running = true;
    resume();
    process.send('flooding');
  } else if (m === 'pause') {
    running = false;
    resumed = new Promise((r) => (resume = r));
    // What is in flight is answered within a moment; it is not waited for.
    setTimeout(() => process.send({ byStatus, ms: Date.now() - since }), 200);
  }
});
// Ends with the test's process, whatever happens to it.
process.on('disconnect', () => process.exit(0));
process.send('ready');
`;

interface FloodResult {
  byStatus: Record<string, number>;
  ms: number;
}

/** The flooding client, started once; it floods between flood() and pause(). */
async function startFlood(port: number, connections: number) {
  const child = spawn(process.execPath, ['-e', FLOOD, JSON.stringify({ port, connections })], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`the flooding client exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        resolve(m);
      });
    });
  await next();
  return {
    async flood() {
      const started = next();
      child.send('flood');
      await started;
    },
    async pause(): Promise<FloodResult> {
      const counts = next();
      child.send('pause');
      return (await counts) as FloodResult;
    },
    stop() {
      child.disconnect();
      child.kill();
    },
  };
}

/** GET one URL of the web app through `agent` (one address's connections): its status. */
function getStatic(agent: http.Agent, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: h.port, path, agent, headers: { accept: '*/*' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

describe('one address flooding the static files', () => {
  it('is refused past its limit while another address is served, and served again in the next window', async () => {
    // The clock held still: the burst falls in one window of the limit however long it takes.
    const t0 = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: t0 });
    const flooder = new http.Agent({ keepAlive: true, maxSockets: 32 });
    const neighbour = new http.Agent({ keepAlive: true, localAddress: '127.0.0.2' });
    onTestFinished(() => {
      vi.useRealTimers();
      flooder.destroy();
      neighbour.destroy();
    });
    const OVER = 100;
    const statuses = await pool(
      Array.from({ length: STATIC_LIMIT + OVER }, (_, i) => `/x/burst${i}`),
      32,
      (path) => getStatic(flooder, path),
    );
    const byStatus: Record<number, number> = {};
    for (const st of statuses) byStatus[st] = (byStatus[st] ?? 0) + 1;
    expect(byStatus).toEqual({ 200: STATIC_LIMIT, 429: OVER });
    expect(await getStatic(neighbour, '/x/neighbour')).toBe(200);
    vi.setSystemTime(t0 + STATIC_WINDOW_MS);
    expect(await getStatic(flooder, '/x/next-window')).toBe(200);
  });

  it('does not raise the order p99 of other shoppers by more than 2×', async () => {
    const ROUNDS = 8;
    const PER_ROUND = 150;
    const CONCURRENCY = 25;
    const CONNECTIONS = 32;
    const goods = await h.createSale({ stock: 2 * ROUNDS * PER_ROUND + 300 });
    const flood: FloodResult = { byStatus: {}, ms: 0 };
    const client = await startFlood(h.port, CONNECTIONS);
    onTestFinished(() => client.stop());

    /**
     * Order requests alone, CONCURRENCY at a time (each shopper's one-time path issued first,
     * before any flood), their latencies in ms; with `flooded`, while the client floods.
     */
    const measure = async (count: number, name: string, flooded: boolean) => {
      const users = await h.createUsers(count, 'user', name);
      const paths = await pool(users, CONCURRENCY, async (u) => {
        const p = await h.path(goods.id, u.token);
        expect(p.status).toBe(200);
        return String(p.body.path);
      });
      if (flooded) await client.flood();
      try {
        // At full speed before the first order goes out.
        if (flooded) await new Promise((r) => setTimeout(r, 300));
        const ms: number[] = [];
        const statuses = await pool(
          users.map((u, i) => ({ u, path: paths[i] })),
          CONCURRENCY,
          async ({ u, path }) => {
            const t = performance.now();
            const r = await h.request('POST', `/api/seckill/${goods.id}/${path}/order`, {
              token: u.token,
            });
            ms.push(performance.now() - t);
            return r.status;
          },
        );
        expect(statuses.filter((st) => st !== 202)).toEqual([]);
        return ms;
      } finally {
        const r = flooded ? await client.pause() : null;
        for (const [k, v] of Object.entries(r?.byStatus ?? {}))
          flood.byStatus[k] = (flood.byStatus[k] ?? 0) + v;
        flood.ms += r?.ms ?? 0;
      }
    };

    // Warms the order path's code, and the static handler's and the limiter's, before anything
    // is compared; the flood's figures count from after it.
    await measure(150, 'warm', false);
    await measure(150, 'warmflood', true);
    flood.byStatus = {};
    flood.ms = 0;
    const without: number[] = [];
    const withFlood: number[] = [];
    // Short rounds that alternate, so a burst of other work on the machine (it is shared with
    // other test files) falls on both sides alike.
    const rounds: Array<{ calm: number; flooded: number }> = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const calm = await measure(PER_ROUND, `calm${round}_`, false);
      const flooded = await measure(PER_ROUND, `flood${round}_`, true);
      without.push(...calm);
      withFlood.push(...flooded);
      rounds.push({ calm: percentile(calm, 99), flooded: percentile(flooded, 99) });
    }
    // The order p99 of each round, and their median over the rounds: what a flood does to the
    // shoppers' tail shows in every round it runs, while a burst of other work on the shared
    // machine (other test files stop and restart MariaDB and RabbitMQ, or load both cores) spoils
    // one round of either kind, and the p99 of all orders pooled with it.
    const p99Without = percentile(
      rounds.map((r) => r.calm),
      50,
    );
    const p99With = percentile(
      rounds.map((r) => r.flooded),
      50,
    );
    const total = Object.values(flood.byStatus).reduce((a, b) => a + b, 0);
    // Answered by the static handler within its limit: a file, the page, or a 404 for a missing file.
    const served = (flood.byStatus['200'] ?? 0) + (flood.byStatus['404'] ?? 0);
    const limited = flood.byStatus['429'] ?? 0;
    console.log(
      `[attack] order p99 (median of ${ROUNDS} rounds of ${PER_ROUND}) without flood ${p99Without.toFixed(1)} ms, ` +
        `with flood ${p99With.toFixed(1)} ms, ratio ${(p99With / p99Without).toFixed(2)}×; all ` +
        `${without.length} orders pooled: p99 ${percentile(without, 99).toFixed(1)} → ` +
        `${percentile(withFlood, 99).toFixed(1)} ms, p50 ${percentile(without, 50).toFixed(1)} → ` +
        `${percentile(withFlood, 50).toFixed(1)} ms; ${CONCURRENCY} at a time; ` +
        `flood from one address on ${CONNECTIONS} connections: ${total} requests in ${flood.ms} ms ` +
        `(${Math.round((total * 1000) / Math.max(1, flood.ms))}/s), ${JSON.stringify(flood.byStatus)}; ` +
        `p99 by round, without/with: ${rounds.map((r) => `${r.calm.toFixed(0)}/${r.flooded.toFixed(0)}`).join(' ')}`,
    );

    // Every request of the flood was answered, by the static handler or by its limit, and no more
    // were served than the limit lets through in the windows it spanned (at worst a new one per
    // flood). How many it sent depends on the CPU left to it at the lowest priority, so that is not
    // judged here: the limit itself is proven by the test above, with the clock held.
    expect(total).toBeGreaterThan(0);
    expect(limited + served).toBe(total);
    const windows = ROUNDS * (Math.ceil(flood.ms / ROUNDS / STATIC_WINDOW_MS) + 1);
    expect(served).toBeLessThanOrEqual(STATIC_LIMIT * windows);
    // 2× the calm p99, plus 20 ms: the calm p99 of 25 concurrent orders is ~15-40 ms here, where
    // a GC pause of the in-process API and consumer, or a burst of another process on the shared
    // 2-core machine, moves it by 10-20 ms whatever the flood does; twice a tiny figure is noise.
    expect(p99With).toBeLessThanOrEqual(2 * p99Without + 20);
  });
});
