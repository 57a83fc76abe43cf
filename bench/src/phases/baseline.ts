import { randomBytes } from 'node:crypto';
import type { NodeChild } from '@seckill/test-stack';
import { cycling, runLoad } from '../load.ts';
import { orderShot } from '../shots.ts';
import { startChild } from '../stack.ts';
import { Recorder, type EndpointStats } from '../stats.ts';
import type { Bench } from './context.ts';

/** The bare servers' sale, and the path each of its buyers holds (bench/baseline/bare.ts). */
export const BARE_GOODS_ID = 1;
const PATH = 'baselinepath0123456789abcdefghij';

/** A key prefix (and queue names) of its own for one run of a bare server. */
export const barePrefix = (kind: string) => `bench${kind}${randomBytes(4).toString('hex')}:`;

/** What a bare process needs: the stack's Redis, its prefix, a waiting path for every request, any free port. */
export function bareEnv(b: Bench, prefix: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    REDIS_URL: b.stack.target.redisUrl,
    REDIS_CLUSTER_NODES: b.stack.target.redisClusterNodes
      .map((n) => `${n.host}:${n.port}`)
      .join(','),
    BASELINE_PREFIX: prefix,
    // A waiting path for every request the baseline could possibly get.
    BASELINE_PATHS: String(Math.min(2_000_000, 40_000 * b.opts.duration)),
    PORT: '0',
  };
}

/**
 * Starts a bare process (bench/baseline/*.ts) and waits for its first JSON line: a server's
 * `{"port":N}`, a consumer's `{"consuming":…}`. Each line goes to `onLine` too.
 */
export async function startBare(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  onLine: (line: string) => void = () => {},
  imports: string[] = [],
): Promise<{ child: NodeChild; ready: Record<string, unknown> }> {
  let announced: (ready: Record<string, unknown>) => void = () => {};
  const ready = new Promise<Record<string, unknown>>((r) => (announced = r));
  const child = startChild(
    name,
    script,
    env,
    (line) => {
      if (line.startsWith('{"port"') || line.startsWith('{"consuming"'))
        announced(JSON.parse(line) as Record<string, unknown>);
      onLine(line);
    },
    [],
    imports,
  );
  const exited = child.exited.then(() => {
    throw new Error(`the ${name} exited:\n${child.output()}`);
  });
  return { child, ready: await Promise.race([ready, exited]) };
}

/**
 * Order requests to a bare server for `--duration` seconds, the browser's request (the servers
 * ignore its body), under the same connections as the order phase; CPU metered per answer.
 */
export async function loadBare(
  b: Bench,
  title: string,
  port: number,
  kind: string,
  token: string,
): Promise<{ recorder: Recorder; stats: EndpointStats }> {
  const recorder = new Recorder();
  const run = await runLoad({
    title,
    url: `http://127.0.0.1:${port}`,
    connections: b.opts.connections,
    maxSeconds: b.opts.duration,
    loadtestKey: b.stack.target.loadtestKey,
    connection: cycling([orderShot(kind, BARE_GOODS_ID, PATH, token)], () => false),
    recorder,
    cpu: b.cpu,
  });
  return { recorder, stats: { ...recorder.stats(kind), cpuUs: run.cpuUs } };
}

/**
 * Phase 1: the bare node:http server with one Lua call per request (bench/baseline/server.ts),
 * under the same connections and the same request as the order request.
 */
export async function measureBaseline(b: Bench, token: string): Promise<EndpointStats> {
  const prefix = barePrefix('base');
  const server = await startBare('baseline', 'bench/baseline/server.ts', bareEnv(b, prefix));
  try {
    b.pids.baseline = server.child.proc.pid;
    const port = Number(server.ready.port);
    return (await loadBare(b, 'baseline: node:http + Lua', port, 'baseline', token)).stats;
  } finally {
    delete b.pids.baseline;
    await server.child.stop();
    await b.stack.removeKeys(prefix);
  }
}
