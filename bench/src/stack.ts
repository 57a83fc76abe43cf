import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createPool, migrate, type MysqlConfig } from '@seckill/db';
import { OrderPublisher, queueNames, type QueueDepth, type QueueType } from '@seckill/queue';
import { createRedis, deleteKeysWithPrefix, StockStore, type RedisClient } from '@seckill/stock';
import { loadConfig } from '@seckill/server';
import {
  freePort,
  isolatedDeployment,
  NodeChild,
  removeDeployment,
  REPO_ROOT,
  sleep,
} from '@seckill/test-stack';
import type { Pool } from 'mysql2/promise';

export { freePort, REPO_ROOT };

/** Where the bench sends its crowd, and how it reaches the same MySQL, Redis and RabbitMQ. */
export interface Target {
  url: string;
  mysql: MysqlConfig;
  redisUrl: string;
  /** Non-empty: the Redis Cluster the stack uses instead of `redisUrl`. */
  redisClusterNodes: Array<{ host: string; port: number }>;
  amqpUrl: string;
  prefix: string;
  jwtSecret: string;
  loadtestKey: string;
  /** The bench started the API and consumer itself (and may stop and restart the consumer). */
  own: boolean;
  /**
   * Where paths are issued when `url` is a balancer: one instance, on the box. nginx drops the
   * load-test key from clients (it is for the bench on the box, not the front door), so paths
   * through it would need captcha answers; orders need no key and go through `url`.
   */
  pathsUrl?: string;
}

/** What the stack runs with, of the settings the bench compares (`AMQP_QUEUE_TYPE`, `PUBLISH_GROUP_COMMIT`). */
export interface StackSettings {
  queueType: QueueType;
  groupCommit: boolean;
}

/** Messages and orders the API's order publisher has sent (read by bench/src/probe.ts). */
export interface PublishCounts {
  messages: number;
  orders: number;
}

/** Preloaded into the bench's own API (and the durable limit's server): prints its publisher's counters (see probe.ts). */
export const PROBE = pathToFileURL(fileURLToPath(new URL('./probe.ts', import.meta.url))).href;
const PROBE_LINE = '{"benchProbe":';

/** The counters of one probe line; null for any other line (or a partial one). */
export function probeCounts(line: string): PublishCounts | null {
  if (!line.startsWith(PROBE_LINE)) return null;
  try {
    const { benchProbe: p } = JSON.parse(line) as { benchProbe: PublishCounts };
    return Number.isFinite(p.messages) && Number.isFinite(p.orders) ? p : null;
  } catch {
    // not a whole probe line: the next one says the same and more
    return null;
  }
}

/** A child process of the bench, with the tail of its output kept for error messages. */
export function startChild(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
  nodeArgs: string[] = [],
  imports: string[] = [],
): NodeChild {
  return new NodeChild(name, { script, env, onLine, nodeArgs, imports, keepLines: 30 });
}

/** The signal on which the children write a diagnostic report (with a report directory). */
export const REPORT_SIGNAL = 'SIGUSR2';

/**
 * The bench's connections to the stack under test, and — when it started the stack itself — the
 * API and consumer processes, its own database, key prefix and queues, all removed by close().
 */
export class Stack {
  readonly db: Pool;
  readonly redis: RedisClient;
  readonly stock: StockStore;
  readonly publisher: OrderPublisher;
  private api: NodeChild | null = null;
  private consumer: NodeChild | null = null;
  private closed = false;
  private profileDir: string | null = null;
  private reportDir: string | null = null;
  /** The API's publisher counters as its probe last printed them (own stack only). */
  private published: PublishCounts | null = null;

  private constructor(
    readonly target: Target,
    private readonly childEnv: NodeJS.ProcessEnv,
    readonly settings: StackSettings,
  ) {
    this.db = createPool(target.mysql, { connectionLimit: 4 });
    this.redis = createRedis(target, { maxRetriesPerRequest: 2 });
    this.stock = new StockStore(this.redis, target.prefix);
    // The order queue is declared with the type the API and consumer declare it with: a queue's
    // type cannot change once it exists.
    this.publisher = new OrderPublisher({
      url: target.amqpUrl,
      names: queueNames(target.prefix, settings.queueType),
      confirmTimeoutMs: 5000,
    });
  }

  /**
   * Starts the API (lab mode on) and the consumer on a free port with a database of their own.
   * `webDist`: the web build the API serves (none by default). `reportDir`: the children write a
   * Node diagnostic report into <reportDir>/<name>/ on SIGUSR2 (see report()). `env`: variables
   * the API and consumer get besides (and over) the bench's own environment, e.g.
   * `AMQP_QUEUE_TYPE` and `PUBLISH_GROUP_COMMIT` for a cell of the matrix.
   */
  static async startOwn(
    log: (line: string) => void,
    opts: {
      profileDir?: string | null;
      webDist?: string;
      reportDir?: string | null;
      env?: Record<string, string>;
    } = {},
  ): Promise<Stack> {
    const deployment = isolatedDeployment('bench');
    const port = await freePort();
    const base = loadConfig({ ...process.env, NODE_ENV: 'development', ...deployment.env });
    const target: Target = {
      url: `http://127.0.0.1:${port}`,
      mysql: { ...base.mysql, database: deployment.database },
      redisUrl: base.redisUrl,
      redisClusterNodes: base.redisClusterNodes,
      amqpUrl: base.amqpUrl,
      prefix: deployment.prefix,
      jwtSecret: deployment.jwtSecret,
      loadtestKey: deployment.loadtestKey,
      own: true,
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      WEB_DIST: opts.webDist ?? '',
      ...deployment.env,
      SECKILL_LAB: '1',
      // No order of the bench's expires while it runs (its sales end in 6 h too): the verdict
      // reads the selling path alone, whatever PAYMENT_TIMEOUT_MS the shell has.
      PAYMENT_TIMEOUT_MS: String(6 * 3600_000),
      // The room phase admits at this rate (a seller sets it to what the stack can serve).
      QUEUE_ADMIT_PER_SECOND: process.env.QUEUE_ADMIT_PER_SECOND || '1000',
      ...opts.env,
    };
    const cfg = loadConfig(env);
    await migrate(target.mysql);
    const stack = new Stack(target, env, {
      queueType: cfg.queueType,
      groupCommit: cfg.groupCommit,
    });
    await stack.publisher.start();
    if (!(await stack.publisher.waitReady(10_000))) throw new Error('RabbitMQ is not reachable');
    log(
      `database ${target.mysql.database}, prefix ${target.prefix}, API on ${target.url}, ` +
        `${cfg.queueType} order queue, group commit ${cfg.groupCommit ? 'on' : 'off'}`,
    );
    stack.profileDir = opts.profileDir ?? null;
    stack.reportDir = opts.reportDir ?? null;
    stack.api = startChild(
      'api',
      'server/src/main.ts',
      env,
      (line) => stack.readProbe(line),
      stack.nodeArgs('api'),
      [PROBE],
    );
    await stack.waitForApi();
    await stack.startConsumer(200);
    return stack;
  }

  /** The variables this stack's processes run with (for another view of the same app). */
  childEnvOf(): NodeJS.ProcessEnv {
    return this.childEnv;
  }

  /** An app already running at `url`; its settings come from the same variables it reads. */
  static async external(
    url: string,
    env: NodeJS.ProcessEnv = process.env,
    pathsUrl?: string,
  ): Promise<Stack> {
    const cfg = loadConfig(env);
    if (!cfg.loadtestKey) throw new Error('--url needs SECKILL_LOADTEST_KEY (and JWT_SECRET) set');
    const target: Target = {
      url: url.replace(/\/$/, ''),
      mysql: cfg.mysql,
      redisUrl: cfg.redisUrl,
      redisClusterNodes: cfg.redisClusterNodes,
      amqpUrl: cfg.amqpUrl,
      prefix: cfg.prefix,
      jwtSecret: cfg.jwtSecret,
      loadtestKey: cfg.loadtestKey,
      own: false,
      ...(pathsUrl ? { pathsUrl } : {}),
    };
    const stack = new Stack(target, env, {
      queueType: cfg.queueType,
      groupCommit: cfg.groupCommit,
    });
    await stack.publisher.start();
    if (!(await stack.publisher.waitReady(10_000))) throw new Error('RabbitMQ is not reachable');
    await stack.waitForApi();
    return stack;
  }

  private async waitForApi(timeoutMs = 60_000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (this.api && !this.api.running) {
        throw new Error(`the API exited during start:\n${this.api.output()}`);
      }
      const ok = await fetch(`${this.target.url}/readyz`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) return;
      if (Date.now() > until) throw new Error(`the API at ${this.target.url} is not ready`);
      await sleep(200);
    }
  }

  /**
   * node flags of a child: a CPU profile into <profile dir>/<name>/ when it exits, and a
   * diagnostic report (heap, libuv handles) into <report dir>/<name>/ on each SIGUSR2.
   */
  private nodeArgs(name: string): string[] {
    const args = this.profileDir
      ? ['--cpu-prof', '--cpu-prof-dir', join(this.profileDir, name)]
      : [];
    if (this.reportDir) {
      args.push(
        '--report-on-signal',
        `--report-signal=${REPORT_SIGNAL}`,
        `--report-directory=${join(this.reportDir, name)}`,
        '--report-exclude-network',
        '--report-compact',
      );
    }
    return args;
  }

  /** Where a child started with a report directory writes its diagnostic reports. */
  reportDirOf(name: 'api' | 'consumer'): string | null {
    return this.reportDir ? join(this.reportDir, name) : null;
  }

  private readProbe(line: string) {
    this.published = probeCounts(line) ?? this.published;
  }

  /**
   * What the API's order publisher has sent so far, as its probe last printed it (every 100 ms
   * when it moved): null for an app given by --url, or before the first publish.
   */
  publishCounts(): PublishCounts | null {
    return this.published ? { ...this.published } : null;
  }

  /** Process ids of the API and consumer the bench started. */
  pids(): Record<string, number | undefined> {
    return { api: this.api?.proc.pid, consumer: this.consumer?.proc.pid };
  }

  depth(): Promise<QueueDepth> {
    return this.publisher.depth();
  }

  /** Starts the consumer with `batchSize` orders per transaction and waits until it consumes. */
  async startConsumer(batchSize: number): Promise<void> {
    if (!this.target.own) throw new Error('the consumer of an external app is not the bench’s');
    await this.stopConsumer();
    const c = startChild(
      'consumer',
      'consumer/src/main.ts',
      { ...this.childEnv, CONSUMER_BATCH_SIZE: String(batchSize) },
      undefined,
      this.nodeArgs('consumer'),
    );
    this.consumer = c;
    const until = Date.now() + 60_000;
    while ((await this.depth()).consumers === 0) {
      if (!c.running) throw new Error(`the consumer exited during start:\n${c.output()}`);
      if (Date.now() > until) throw new Error('the consumer did not start consuming');
      await sleep(50);
    }
  }

  /** Stops the consumer cleanly: it finishes and acks what it holds. */
  async stopConsumer(): Promise<void> {
    const c = this.consumer;
    this.consumer = null;
    if (!c) return;
    await c.stop();
    while ((await this.depth()).consumers > 0) await sleep(50);
  }

  /** For a failed run: whether each child still runs, its exit and its last lines. */
  childrenReport(): string {
    return [this.api, this.consumer]
      .filter((c): c is NodeChild => c !== null)
      .map((c) => {
        const state = c.running
          ? 'running'
          : `exited (${c.proc.exitCode ?? c.proc.signalCode ?? '?'})`;
        return `${c.name}: ${state}; last lines:\n${c.output() || '(none)'}`;
      })
      .join('\n');
  }

  /** Ends the children and, for the bench's own stack, removes its database, keys and queues. */
  async close(opts: { keep?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.consumer?.stop(), this.api?.stop()]);
    await this.publisher.close();
    if (this.target.own && !opts.keep) {
      await removeDeployment({
        prefix: this.target.prefix,
        database: this.target.mysql.database,
        redis: this.redis,
        amqpUrl: this.target.amqpUrl,
        sql: this.db,
      });
    }
    this.redis.disconnect();
    await this.db.end().catch(() => {});
  }

  /** Removes the keys of a deployment the bench made beside its stack (the baseline's). */
  removeKeys(prefix: string): Promise<void> {
    return deleteKeysWithPrefix(this.redis, prefix);
  }
}
