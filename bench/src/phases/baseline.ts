import { randomBytes } from 'node:crypto';
import { cycling, runLoad } from '../load.ts';
import { freePort, startChild } from '../stack.ts';
import { Recorder, type EndpointStats } from '../stats.ts';
import type { Bench } from './context.ts';

/**
 * Phase 1: the bare node:http server with one Lua call per request (bench/baseline/server.ts),
 * under the same connections and the same request headers as the order request.
 */
export async function measureBaseline(b: Bench, token: string): Promise<EndpointStats> {
  const prefix = `benchbase${randomBytes(4).toString('hex')}:`;
  const port = await freePort();
  let announced: (port: number) => void = () => {};
  const ready = new Promise<number>((r) => (announced = r));
  const child = startChild(
    'baseline',
    'bench/baseline/server.ts',
    {
      ...process.env,
      REDIS_URL: b.stack.target.redisUrl,
      REDIS_CLUSTER_NODES: b.stack.target.redisClusterNodes
        .map((n) => `${n.host}:${n.port}`)
        .join(','),
      BASELINE_PREFIX: prefix,
      // A waiting path for every request the baseline could possibly get.
      BASELINE_PATHS: String(Math.min(2_000_000, 40_000 * b.opts.duration)),
      PORT: String(port),
    },
    (line) => {
      if (line.startsWith('{"port"')) announced((JSON.parse(line) as { port: number }).port);
    },
  );
  try {
    const started = await Promise.race([
      ready,
      child.exited.then(() => {
        throw new Error(`the baseline server exited:\n${child.output()}`);
      }),
    ]);
    b.pids.baseline = child.proc.pid;
    const recorder = new Recorder();
    const run = await runLoad({
      title: 'baseline: node:http + Lua',
      url: `http://127.0.0.1:${started}`,
      connections: b.opts.connections,
      maxSeconds: b.opts.duration,
      loadtestKey: b.stack.target.loadtestKey,
      connection: cycling(
        [
          {
            kind: 'baseline',
            method: 'POST',
            path: `/api/seckill/1/baselinepath0123456789abcdefghij/order`,
            token,
          },
        ],
        () => false,
      ),
      recorder,
      cpu: b.cpu,
    });
    return { ...recorder.stats('baseline'), cpuUs: run.cpuUs };
  } finally {
    delete b.pids.baseline;
    await child.stop();
    await b.stack.removeKeys(prefix);
  }
}
