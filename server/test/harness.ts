import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashPassword, insertUsers, migrate, mysqlConfigFromEnv } from '@seckill/db';
import { loadConsumerConfig, runConsumer } from '@seckill/consumer';
import { isolatedDeployment, removeDeployment } from '@seckill/test-stack';
import type { SaleCreateBody } from '@seckill/contracts';
import mysql from 'mysql2/promise';
import pino from 'pino';
import { createHttpServer } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createServices, type Services } from '../src/services.ts';

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
let sharedHash: Promise<string> | null = null;

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Start a consumer in this process (default true). */
  consumer?: boolean;
  consumerEnv?: { batchSize?: number; prefetch?: number };
  /** Each shopper's starting balance in cents (default ¥10,000). */
  balance?: number;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * A whole stack for one test file: its own database, Redis key prefix and queue names on the real
 * MariaDB, Redis and RabbitMQ, an API listening on a free port, and a consumer.
 */
export async function startHarness(opts: HarnessOptions = {}) {
  const deployment = isolatedDeployment('t');
  const { id, database, prefix } = deployment;
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    ...deployment.env,
    // Each process of the harness serves its metrics on a free port.
    METRICS_PORT: '0',
    // A confirm slowed by a busy machine is not an outage here: a test that wants the timeout
    // sets it (consumer.test.ts); production's 3 s is exercised by the fault suite's processes.
    PUBLISH_CONFIRM_TIMEOUT_MS: '30000',
    ...opts.env,
  };
  const config = loadConfig(env);
  await migrate(config.mysql);
  const s = await createServices(config, log);
  await s.publisher.waitReady(10_000);
  // As main.ts does: a deep accept queue, and longer than the agent keeps an idle socket.
  const server = createHttpServer(s).listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
  server.keepAliveTimeout = 65_000;
  // A test's burst on a busy machine may wait longer than production's header and request
  // timeouts (10 s, 20 s) before the event loop reads it: they would cut the test's own requests.
  // Those timeouts are exercised through real processes (the fault suite's slowloris runs).
  server.headersTimeout = 120_000;
  server.requestTimeout = 180_000;
  await new Promise<void>((r) => server.once('listening', () => r()));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

  const consumer =
    opts.consumer === false
      ? null
      : await runConsumer(
          {
            ...loadConsumerConfig({ ...env, PUBLISH_CONFIRM_TIMEOUT_MS: '' }),
            prefetch: opts.consumerEnv?.prefetch ?? 400,
            batchSize: opts.consumerEnv?.batchSize ?? 200,
            batchWaitMs: 5,
            maxUnknownAttempts: 3,
          },
          log,
        );

  function request<T = any>(
    method: string,
    path: string,
    o: {
      token?: string;
      body?: unknown;
      raw?: string | Buffer;
      headers?: Record<string, string>;
      /** Another instance of the same deployment (default: this harness's API). */
      port?: number;
    } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...o.headers };
    let payload: Buffer | undefined;
    if (o.raw !== undefined) payload = Buffer.from(o.raw);
    else if (o.body !== undefined) {
      payload = Buffer.from(JSON.stringify(o.body));
      headers['content-type'] ??= 'application/json';
    }
    if (payload) headers['content-length'] = String(payload.length);
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: o.port ?? port, method, path, headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: any = text;
            if (String(res.headers['content-type'] ?? '').includes('json')) body = JSON.parse(text);
            resolve({ status: res.statusCode ?? 0, body, headers: res.headers, text });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  let userBatch = 0;
  const admin = mysql.createPool({
    ...mysqlConfigFromEnv(env),
    connectionLimit: 4,
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
  });

  async function createUsers(
    count: number,
    role: 'user' | 'admin' = 'user',
    name = 'u',
    balance = opts.balance ?? 1_000_000,
  ) {
    sharedHash ??= hashPassword('password123');
    const hash = await sharedHash;
    const batch = userBatch++;
    const names = Array.from({ length: count }, (_, i) => `${name}${batch}_${i}`);
    const rows = await insertUsers(admin, names, hash, role, balance);
    return rows.map((u) => ({ ...u, token: s.tokens.sign({ ...u, role }) }));
  }

  async function createSale(over: Partial<SaleCreateBody> = {}) {
    const now = Date.now();
    const body: SaleCreateBody = {
      name: `Test sale ${randomBytes(3).toString('hex')}`,
      description: 'A sale made by a test.',
      imageUrl: '',
      price: 10000,
      seckillPrice: 5000,
      stock: 10,
      startAt: new Date(now - 60_000).toISOString(),
      endAt: new Date(now + 3600_000).toISOString(),
      ...over,
    };
    const goodsId = await s.goods.create(body, null);
    const row = await s.goods.get(goodsId);
    if (!row) throw new Error('sale not created');
    await s.reconciler.load(row, true);
    s.catalog.invalidate();
    return { id: goodsId, ...body };
  }

  async function path(goodsId: number, token: string): Promise<ApiResponse> {
    return request('POST', `/api/seckill/${goodsId}/path`, {
      token,
      headers: { 'x-loadtest-key': env.SECKILL_LOADTEST_KEY },
    });
  }

  async function order(goodsId: number, token: string) {
    const p = await path(goodsId, token);
    if (p.status !== 200) return p;
    return request('POST', `/api/seckill/${goodsId}/${p.body.path}/order`, { token });
  }

  /** Buys one unit (a path, then the order) and waits until the order is written; its id. */
  async function buy(goodsId: number, token: string): Promise<string> {
    const r = await order(goodsId, token);
    if (r.status !== 202)
      throw new Error(`order not queued: ${r.status} ${JSON.stringify(r.body)}`);
    const result = await waitFor(
      () => request('GET', `/api/seckill/${goodsId}/result`, { token }),
      (x) => x.body.status === 'success',
    );
    if (result.body.status !== 'success') throw new Error(`order not written: ${result.text}`);
    return result.body.orderId as string;
  }

  async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
    const until = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (ok(v) || Date.now() > until) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Opens a shopper's event stream (on another instance's port if given) and collects its events. */
  async function openEvents(token: string, goods: number[] = [], onPort = port) {
    const t = await request('POST', '/api/events/ticket', { token });
    if (t.status !== 200) throw new Error(`no event ticket: ${t.status} ${t.text}`);
    const events: Array<{ type: string; [k: string]: unknown }> = [];
    const req = http.get({
      host: '127.0.0.1',
      port: onPort,
      path: `/api/events?ticket=${t.body.ticket}&goods=${goods.join(',')}`,
    });
    const res = await new Promise<http.IncomingMessage>((r) => req.once('response', r));
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const data = /^data: (.*)$/m.exec(buf.slice(0, i))?.[1];
        buf = buf.slice(i + 2);
        if (data) events.push(JSON.parse(data));
      }
    });
    const until = async (pred: (e: (typeof events)[number]) => boolean, ms = 15_000) => {
      const deadline = Date.now() + ms;
      while (!events.some(pred) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      return events.find(pred);
    };
    return { res, events, until, ticket: t.body.ticket as string, close: () => req.destroy() };
  }

  async function query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    const [rows] = await admin.query(sql, params);
    return rows as T[];
  }

  async function close() {
    await consumer?.stop();
    s.push.close();
    await new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections();
    agent.destroy();
    // Its last flush first: else it would write live keys after they are deleted.
    await s.metrics.close();
    await removeDeployment({
      prefix,
      database,
      redis: s.redis,
      amqpUrl: config.amqpUrl,
      sql: admin,
    });
    await s.close();
    await admin.end();
  }

  return {
    id,
    env,
    config,
    s: s as Services,
    port,
    prefix,
    database,
    consumer,
    request,
    createUsers,
    createSale,
    path,
    order,
    buy,
    waitFor,
    openEvents,
    query,
    close,
  };
}
export type Harness = Awaited<ReturnType<typeof startHarness>>;
