import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, portOpen } from '@seckill/test-stack';
import { NGINX, renderClusterConf } from '../cluster/nginx-conf.ts';
import { send, type Answer } from './http.ts';
import type { Stack } from './stack.ts';

export { NGINX };
/** What nginx logs of each request here: which instances it tried, and what each answered. */
const LOG_FORMAT = `'$request_method $uri $status "$upstream_addr" "$upstream_status"'`;

/** One request nginx logged: the instances it tried in turn, and what each answered. */
export interface Logged {
  method: string;
  uri: string;
  status: number;
  upstreams: string[];
  upstreamStatuses: string[];
}

export interface Balancer {
  port: number;
  dir: string;
  child: ChildProcess;
  /** The requests nginx has logged so far (the log is written as they end). */
  log(): Promise<Logged[]>;
  errors(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * nginx as scripts/cluster.sh runs it, from the same files (deploy/nginx/cluster.conf.template
 * and deploy/nginx/seckill.conf), in a folder of its own with a free loopback port, in front of
 * the given API ports; in the foreground, a child of the test. The web root is a folder with an
 * index.html: the scenarios here are about the API behind it.
 */
/**
 * `count` API instances started as scripts/cluster.sh starts them (loopback only, X-Forwarded-For
 * believed from nginx's address alone), and nginx in front of them.
 */
export async function startApisBehindBalancer(
  stack: Pick<Stack, 'startApi'>,
  count: number,
  env: Record<string, string> = {},
) {
  const apis = await Promise.all(
    Array.from({ length: count }, () =>
      stack.startApi({ TRUST_PROXY: '127.0.0.1', HOST: '127.0.0.1', ...env }),
    ),
  );
  return { apis, lb: await startBalancer(apis.map((a) => a.port)) };
}

export async function startBalancer(apiPorts: number[]): Promise<Balancer> {
  if (!existsSync(NGINX))
    throw new Error(`nginx is not installed (${NGINX}): apt-get install -y nginx`);
  const dir = await mkdtemp(join(tmpdir(), 'seckill-nginx-'));
  await mkdir(join(dir, 'tmp'));
  await mkdir(join(dir, 'web'));
  await writeFile(join(dir, 'web', 'index.html'), '<!doctype html><title>Seckill</title>\n');
  const port = await freePort();
  const conf = renderClusterConf({
    dir,
    listen: `127.0.0.1:${port}`,
    apiPorts,
    accessLog: `log_format balancer ${LOG_FORMAT};\n    access_log access.log balancer;`,
    webRoot: join(dir, 'web'),
  });
  await writeFile(join(dir, 'nginx.conf'), conf);

  let out = '';
  const child = spawn(
    NGINX,
    ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const until = Date.now() + 10_000;
  while (!(await portOpen(port))) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${out}`);
    if (Date.now() > until) throw new Error(`nginx did not listen on ${port}: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    port,
    dir,
    child,
    async log() {
      const text = await readFile(join(dir, 'access.log'), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const m = /^(\S+) (\S+) (\d+) "([^"]*)" "([^"]*)"$/.exec(line);
          if (!m) throw new Error(`unexpected nginx log line: ${line}`);
          const list = (s: string) => (s === '-' ? [] : s.split(/, | : /));
          return {
            method: m[1] ?? '',
            uri: m[2] ?? '',
            status: Number(m[3]),
            upstreams: list(m[4] ?? ''),
            upstreamStatuses: list(m[5] ?? ''),
          };
        });
    },
    errors: () => readFile(join(dir, 'error.log'), 'utf8').catch(() => ''),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A GET or POST through the balancer from a chosen loopback address (127.0.0.x: another client). */
export function requestFrom(
  localAddress: string,
  port: number,
  method: string,
  path: string,
  o: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
  return send({
    port,
    method,
    path,
    headers: { ...o.headers },
    ...(payload === undefined ? {} : { payload }),
    localAddress,
    agent: false,
    rejectOnError: true,
  });
}

/**
 * Opens an event stream through the balancer and resolves with what arrived within `ms` of the
 * answer's headers (the stream is then closed): unbuffered, the `hello` is there at once.
 */
export function firstEvents(
  port: number,
  path: string,
  ms: number,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; firstMs: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const t0 = Date.now();
      let text = '';
      let firstMs = -1;
      res.on('data', (c: Buffer) => {
        if (firstMs < 0) firstMs = Date.now() - t0;
        text += c.toString();
      });
      setTimeout(() => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, firstMs });
      }, ms);
    });
    req.on('error', (err) => {
      if (!req.destroyed) reject(err);
    });
  });
}

/**
 * The stack's requests as shoppers make them through the front door, for `runCrowd`: nginx drops
 * the load-test key, so each shopper answers the captcha (its answer put in Redis just before, as
 * if read from the picture), and the shoppers come from 16 loopback addresses (127.0.0.2–17), at
 * most 32 connections each: nginx's per-address limit (limit_conn) is not what the crowd meets.
 */
export function shoppersThroughFront(
  stack: Stack,
  users: Array<{ id: number; token: string }>,
): { stack: Stack; close(): void } {
  const idOf = new Map(users.map((u) => [u.token, u.id]));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const CAPTCHA = 'abcd';
  async function request(port: number, method: string, path: string, token?: string) {
    const userId = (token && idOf.get(token)) || 0;
    const pathOf = /^\/api\/seckill\/(\d+)\/path$/.exec(path);
    if (pathOf) await stack.stock.storeCaptcha(Number(pathOf[1]), userId, CAPTCHA, 120_000);
    const payload = pathOf ? JSON.stringify({ captcha: CAPTCHA }) : undefined;
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    const localAddress = `127.0.0.${2 + (userId % 16)}`;
    return send({
      port,
      method,
      path,
      headers,
      ...(payload === undefined ? {} : { payload }),
      agent,
      localAddress,
    });
  }
  return { stack: { ...stack, request }, close: () => agent.destroy() };
}
