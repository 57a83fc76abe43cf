import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort, isolatedDeployment, removeDeployment, REPO_ROOT } from '@seckill/test-stack';
import type { Stack } from '../stack.ts';
import type { EndpointStats } from '../stats.ts';
import type { OrderStats } from './throughput.ts';

/** One topology of `--instances`: N API instances behind nginx, or one instance reached directly. */
export interface InstanceRow {
  topology: string;
  instances: number;
  viaBalancer: boolean;
  stats: OrderStats;
}

export interface InstancesPlan {
  /** Starts the topology's stack as `bash scripts/cluster.sh` does and gives the bench its URLs. */
  start(instances: number): Promise<{ balancer: string; direct: string; stop(): Promise<void> }>;
}

/**
 * Local clusters for `pnpm bench --instances 1,2,3`: each is `scripts/cluster.sh` with its own
 * database, key prefix and ports, stopped and removed before the next one starts.
 */
export function clusterPlan(
  log: (line: string) => void,
  external: (url: string, env: NodeJS.ProcessEnv, pathsUrl?: string) => Promise<Stack>,
): InstancesPlan & { stacks: Map<string, Stack> } {
  const stacks = new Map<string, Stack>();
  return {
    stacks,
    async start(instances) {
      const d = isolatedDeployment('bench');
      const port = await freePort();
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...d.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        API_BASE_PORT: String(port + 1),
        API_INSTANCES: String(instances),
        CONSUMERS: String(Math.min(instances, 2)),
        // The bench's sales end in hours; no order of it expires while it runs.
        PAYMENT_TIMEOUT_MS: String(6 * 3600_000),
        METRICS_PORT: '0',
      };
      const cluster = (verb: string) => {
        const r = spawnSync('bash', ['scripts/cluster.sh', verb], {
          cwd: REPO_ROOT,
          env,
          encoding: 'utf8',
        });
        if (r.status !== 0) {
          throw new Error(`cluster.sh ${verb} failed:\n${(r.stdout + r.stderr).slice(-2000)}`);
        }
      };
      log(`instances: starting ${instances} API instance(s) behind nginx on :${port}`);
      cluster('start');
      const balancer = `http://127.0.0.1:${port}`;
      const direct = `http://127.0.0.1:${port + 1}`;
      const stack = await external(balancer, env, direct);
      stacks.set(balancer, stack);
      return {
        balancer,
        direct,
        async stop() {
          cluster('stop');
          await removeDeployment({
            prefix: d.prefix,
            database: d.database,
            redis: stack.redis,
            amqpUrl: stack.target.amqpUrl,
            sql: stack.db,
          });
          await stack.close();
          stacks.delete(balancer);
        },
      };
    },
  };
}

/** The side-by-side table: each topology's order rate against the baseline, and nginx's cost. */
export function formatInstances(baseline: EndpointStats, rows: InstanceRow[]): string {
  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (x: number, d = 0) =>
    x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const lines = [
    `${pad('topology', 34)}${'req/s'.padStart(8)}${'×base'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'durable/s'.padStart(11)}`,
    `${pad('baseline: node:http + 1 Lua', 34)}${num(baseline.rps).padStart(8)}${'1.00×'.padStart(8)}${num(baseline.p50, 1).padStart(9)}${num(baseline.p99, 1).padStart(9)}${'–'.padStart(11)}`,
  ];
  for (const r of rows) {
    lines.push(
      `${pad(r.topology, 34)}${num(r.stats.rps).padStart(8)}${`${(r.stats.rps / baseline.rps).toFixed(2)}×`.padStart(8)}${num(r.stats.p50, 1).padStart(9)}${num(r.stats.p99, 1).padStart(9)}${num(r.stats.durable.durableOrdersPerSec).padStart(11)}`,
    );
  }
  const direct = rows.find((r) => !r.viaBalancer && r.instances === 1);
  const one = rows.find((r) => r.viaBalancer && r.instances === 1);
  if (direct && one) {
    lines.push(
      `balancer's cost (1 instance, through nginx vs direct): ${(one.stats.rps / direct.stats.rps).toFixed(2)}× the rate, p50 ${num(direct.stats.p50, 1)} → ${num(one.stats.p50, 1)} ms, p99 ${num(direct.stats.p99, 1)} → ${num(one.stats.p99, 1)} ms`,
    );
  }
  return lines.join('\n');
}

/**
 * Requests in progress nginx allows one client address (`limit_conn per_client` in
 * deploy/nginx/seckill.conf): the bench's connections through nginx all come from 127.0.0.1.
 */
export function nginxConnectionsPerAddress(): number {
  const conf = readFileSync(new URL('../../../deploy/nginx/seckill.conf', import.meta.url), 'utf8');
  const n = Number(/^limit_conn per_client (\d+);$/m.exec(conf)?.[1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error('no limit_conn per_client in seckill.conf');
  return n;
}
