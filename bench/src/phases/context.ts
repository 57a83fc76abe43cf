import { selectCommitTimes } from '@seckill/db';
import type { CpuMeter } from '../cpu.ts';
import { withProgress } from '../progress.ts';
import type { Api, BenchUser, UserFactory } from '../fixtures.ts';
import { runLoad, type Connection, type Shot } from '../load.ts';
import type { Options } from '../options.ts';
import type { Stack } from '../stack.ts';
import { Recorder } from '../stats.ts';
import { pathShot } from '../shots.ts';

/** What every phase works with. */
export interface Bench {
  opts: Options;
  stack: Stack;
  api: Api;
  users: UserFactory;
  adminToken: string;
  /** Sales sold through the product's path (Redis + RabbitMQ), for the final verdict. */
  sales: number[];
  log: (line: string) => void;
  cpu: CpuMeter;
  /** Processes of the bench's own to meter besides the API and consumer (the baseline). */
  pids: Record<string, number | undefined>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Asks the API for one path per (shopper, sale), as fast as it answers; null where refused. */
export async function issuePaths(
  b: Bench,
  title: string,
  wanted: Array<{ user: BenchUser; goodsId: number }>,
): Promise<Array<string | null>> {
  const paths: Array<string | null> = wanted.map(() => null);
  const recorder = new Recorder();
  let i = 0;
  const connection = (): Connection => ({
    next(): Shot | null {
      const w = wanted[i];
      if (!w) return null;
      const ref = i;
      i += 1;
      return pathShot(w.goodsId, w.user.token, ref);
    },
    answered(shot, status, body) {
      const path = (body as { path?: unknown } | null)?.path;
      if (status === 200 && typeof path === 'string' && shot.ref !== undefined) {
        paths[shot.ref] = path;
      }
    },
  });
  await runLoad({
    title,
    url: b.stack.target.pathsUrl ?? b.stack.target.url,
    connections: b.opts.connections,
    maxSeconds: 900,
    loadtestKey: b.stack.target.loadtestKey,
    connection,
    recorder,
    progress: { total: wanted.length, done: () => recorder.count('path'), unit: 'paths' },
  });
  const refused = paths.filter((p) => p === null).length;
  if (refused > 0) {
    const answers = recorder.stats('path').answers;
    b.log(`  ${refused} of ${wanted.length} paths refused: ${JSON.stringify(answers)}`);
  }
  return paths;
}

/** When a sale's orders were written by the consumer (MySQL's clock, ms since the epoch). */
export async function commitTimes(
  b: Bench,
  goodsId: number,
): Promise<{ orders: number; first: number | null; last: number | null; atFirst: number }> {
  const r = await selectCommitTimes(b.stack.db, goodsId);
  return {
    orders: Number(r?.n ?? 0),
    first: r?.first == null ? null : Number(r.first),
    last: r?.last == null ? null : Number(r.last),
    atFirst: Number(r?.at_first ?? 0),
  };
}

/** Waits until the consumer has written what is queued, so one phase's tail does not run into the next. */
export async function waitForQueueEmpty(b: Bench, title: string): Promise<void> {
  const first = await b.stack.depth();
  if (first.ready === 0 || first.consumers === 0) return;
  await withProgress(title, first.ready, async (tick) => {
    const until = Date.now() + 300_000;
    for (;;) {
      const d = await b.stack.depth();
      tick(first.ready - d.ready);
      if (d.ready === 0 || d.consumers === 0 || Date.now() > until) break;
      await sleep(100);
    }
  });
  // What the consumer holds unacked (up to its prefetch) is written within a batch or two.
  await sleep(500);
}
