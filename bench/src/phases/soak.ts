import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchUser } from '../fixtures.ts';
import { Outcomes, shopperJourneys } from '../journeys.ts';
import type { Connection, Shot } from '../load.ts';
import { runPaced } from '../paced.ts';
import { ProcWatcher } from '../procstat.ts';
import {
  formatLoadLine,
  formatMinuteLabel,
  formatProcLine,
  formatVerdict,
  HEAP_SAMPLES_PER_MINUTE,
  soakVerdict,
  SOAK_PROCESSES,
  type KindMinute,
  type SoakMinute,
  type SoakProcess,
  type SoakVerdict,
} from '../soak.ts';
import { REPO_ROOT } from '../stack.ts';
import { answerLabel, Recorder, round } from '../stats.ts';
import type { ProcSample } from '../procstat.ts';
import { sleep, waitForQueueEmpty, type Bench } from './context.ts';

/** The soak's shape besides its rates (--soak-rps, --flood-rps). */
export const SOAK = {
  /** Sales the shoppers rotate over: all of them go to one, then the next, every `rotateMs`. */
  sales: 4,
  rotateMs: 15_000,
  /**
   * Units of each sale; every `resetMs` the admin resets the next sale to this — out of step with
   * the rotation, so some resets land on the sale being bought from, some on one at rest. At the
   * default rate about half the shoppers get a unit, the rest SOLD_OUT (or REPEAT).
   */
  stock: 700,
  resetMs: 10_000,
  /** Shoppers, taken in turn: each comes back every users / shoppers-per-second seconds. */
  users: 5000,
  /** Keep-alive connections of the shoppers, and of the one flooding client. */
  shopperLanes: 16,
  floodLanes: 2,
};

export interface WebDist {
  path: string;
  /** "web/dist": the app's own build; otherwise why a tiny stand-in is served. */
  source: string;
  /** Files under assets/, for the flood's hits on real files. */
  assets: string[];
  /** A folder the bench made and removes at the end. */
  temporary: boolean;
}

/**
 * The web build the soak's API serves: web/dist, built first when missing; if the build fails,
 * a tiny stand-in (an index.html and one script) in a temporary folder — it takes the static
 * handler through the same branches, and the report says which one was served.
 */
export function prepareWebDist(log: (line: string) => void): WebDist {
  const dist = join(REPO_ROOT, 'web', 'dist');
  const list = (dir: string) =>
    existsSync(dir) ? readdirSync(dir).filter((f) => f.includes('.')) : [];
  if (!existsSync(join(dist, 'index.html'))) {
    log('web/dist is missing: building it (pnpm --filter @seckill/web run build)…');
    const r = spawnSync('pnpm', ['--filter', '@seckill/web', 'run', 'build'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    if (r.status !== 0) log(`  the build failed (${r.status}): ${(r.stderr ?? '').slice(-400)}`);
  }
  if (existsSync(join(dist, 'index.html'))) {
    return { path: dist, source: 'web/dist', assets: list(join(dist, 'assets')), temporary: false };
  }
  const tiny = mkdtempSync(join(tmpdir(), 'seckill-soak-web-'));
  mkdirSync(join(tiny, 'assets'));
  writeFileSync(
    join(tiny, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body></body></html>',
  );
  writeFileSync(join(tiny, 'assets', 'app.js'), 'console.log("soak");\n'.repeat(200));
  log(`  serving a tiny stand-in build from ${tiny}`);
  return {
    path: tiny,
    source: 'a tiny stand-in (index.html + assets/app.js): the web build failed',
    assets: ['app.js'],
    temporary: true,
  };
}

export interface SoakSummary {
  seconds: number;
  settings: typeof SOAK & { shopperRps: number; floodRps: number };
  webDist: { path: string; source: string };
  minutes: SoakMinute[];
  /** Before the load started, and once the queue had drained after it. */
  before: Record<SoakProcess, ProcSample | null>;
  afterDrain: Record<SoakProcess, ProcSample | null>;
  /** Answers of the whole soak by kind and "status code". */
  answers: Record<string, Record<string, number>>;
  outcomes: Record<string, number>;
  /** Requests that got no answer (reset, timeout). */
  errors: number;
  verdict: SoakVerdict;
}

/** The one client flooding distinct static URLs: none of them is asked for twice. */
function floodConnection(assets: string[]): () => Connection {
  let i = 0;
  return () => ({
    next(): Shot {
      i += 1;
      const id = `${i.toString(36)}${randomBytes(6).toString('hex')}`;
      const r = i % 10;
      // 4 in 10: a script that is not in the build, from a client that takes anything → index.html.
      if (r < 4)
        return {
          kind: 'static',
          method: 'GET',
          path: `/assets/${id}.js`,
          headers: { accept: '*/*' },
        };
      // 3 in 10: a history-mode route → index.html.
      if (r < 7)
        return {
          kind: 'static',
          method: 'GET',
          path: `/x/${id}`,
          headers: { accept: 'text/html' },
        };
      // 2 in 10: a stylesheet that is not in the build, from a client that wants CSS → 404.
      if (r < 9)
        return {
          kind: 'static',
          method: 'GET',
          path: `/assets/${id}.css`,
          headers: { accept: 'text/css' },
        };
      // 1 in 10: a real file of the build under a distinct query string, gzipped.
      const asset = assets[i % Math.max(1, assets.length)] ?? 'index.html';
      return {
        kind: 'static',
        method: 'GET',
        path: `/assets/${asset}?v=${id}`,
        headers: { accept: '*/*', 'accept-encoding': 'gzip' },
      };
    },
    answered() {},
  });
}

function kindMinute(recorder: Recorder, kind: string): KindMinute {
  const s = recorder.stats(kind);
  return { count: s.count, p50: s.p50, p99: s.p99, max: s.max, answers: s.answers };
}

function diff(now: Map<string, number>, before: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of now) {
    const d = v - (before.get(k) ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

/**
 * The soak: a steady, moderate mixed load for `seconds` on the bench's own stack, started with
 * the web build served and with diagnostic reports on SIGUSR2. Shoppers (`--soak-rps`, paths,
 * orders, polls) rotate over SOAK.sales sales; the admin resets one every SOAK.resetMs; one client
 * (no load-test key, so the per-IP static limit holds it) floods distinct static URLs at
 * `--flood-rps`. At the end of every minute the API and the consumer are sampled from outside
 * (/proc, the report) and a line per process is printed; then the queue is waited for.
 */
export async function runSoak(b: Bench, seconds: number, web: WebDist): Promise<SoakSummary> {
  const { opts, stack, log } = b;
  const settings = { ...SOAK, shopperRps: opts.soakRps, floodRps: opts.floodRps };
  const users: BenchUser[] = await b.users.create(SOAK.users);
  const sales: number[] = [];
  for (let i = 0; i < SOAK.sales; i += 1) {
    sales.push(await b.api.createSale(b.adminToken, `bench soak ${i + 1}`, SOAK.stock));
  }
  b.sales.push(...sales);

  // The static handler is on, and answers a browser's first request.
  const home = await fetch(`${stack.target.url}/`, { headers: { accept: 'text/html' } });
  const homeType = home.headers.get('content-type') ?? '';
  await home.arrayBuffer();
  if (home.status !== 200 || !homeType.includes('text/html')) {
    throw new Error(
      `the API does not serve the web build: GET / answered ${home.status} ${homeType}`,
    );
  }

  const watchers = SOAK_PROCESSES.map(
    (p) => new ProcWatcher(p, () => stack.pids()[p], stack.reportDirOf(p)),
  );
  const sampleAll = async (): Promise<Record<SoakProcess, ProcSample | null>> => {
    const out = { api: null, consumer: null } as Record<SoakProcess, ProcSample | null>;
    // One after the other: each report pauses its process for a moment.
    for (const w of watchers) out[w.name as SoakProcess] = await w.sample();
    return out;
  };
  const printSamples = (label: string, procs: Record<SoakProcess, ProcSample | null>) => {
    for (const p of SOAK_PROCESSES) log(formatProcLine(label, p, procs[p]));
  };
  const before = await sampleAll();
  printSamples('before', before);

  log(
    `soak: ${seconds} s — shoppers ${settings.shopperRps} req/s on ${SOAK.shopperLanes} connections over ` +
      `${SOAK.sales} sales of ${SOAK.stock} (next sale every ${SOAK.rotateMs / 1000} s, a reset every ` +
      `${SOAK.resetMs / 1000} s), one client flooding distinct static URLs at ${settings.floodRps} req/s; ` +
      `web build: ${web.source}`,
  );

  let window = new Recorder();
  const answers: Record<string, Record<string, number>> = {};
  const record = (kind: string, end: number, ms: number, label: string) => {
    window.record(kind, end, ms, label);
    const a = (answers[kind] ??= {});
    a[label] = (a[label] ?? 0) + 1;
  };
  const outcomes = new Outcomes();
  let stopped = false;
  const t0 = Date.now();
  const activeSale = () => sales[Math.floor((Date.now() - t0) / SOAK.rotateMs) % sales.length] ?? 0;
  let nextUser = 0;
  const supply = () => {
    const user = users[nextUser % users.length];
    nextUser += 1;
    return user ? { user, goodsId: activeSale() } : null;
  };

  const shoppers = runPaced({
    url: stack.target.url,
    lanes: SOAK.shopperLanes,
    rate: settings.shopperRps,
    headers: { 'x-loadtest-key': stack.target.loadtestKey },
    connection: shopperJourneys(supply, outcomes),
    record,
    stop: () => stopped,
  });
  const flood = runPaced({
    url: stack.target.url,
    lanes: SOAK.floodLanes,
    rate: settings.floodRps,
    connection: floodConnection(web.assets),
    record,
    stop: () => stopped,
  });
  const resets = (async () => {
    let k = 0;
    let due = t0 + SOAK.resetMs;
    while (!stopped) {
      if (Date.now() < due) {
        await sleep(Math.min(250, due - Date.now()));
        continue;
      }
      due += SOAK.resetMs;
      const id = sales[k % sales.length] ?? 0;
      k += 1;
      const t = performance.now();
      const r = await b.api
        .call('POST', `/api/admin/goods/${id}/reset`, {
          token: b.adminToken,
          body: { stock: SOAK.stock },
        })
        .catch(() => ({ status: 0, body: null }));
      record('reset', Date.now(), performance.now() - t, answerLabel(r.status, r.body));
    }
  })();

  const minutes: SoakMinute[] = [];
  const totalMinutes = seconds / 60;
  let outcomesBefore = new Map(outcomes.counts);
  for (let m = 1; (m - 1) * 60 < seconds; m += 1) {
    const at = Math.min(m * 60, seconds);
    // The minute's heap used is its lowest sample (see HEAP_SAMPLES_PER_MINUTE): the earlier
    // samples are taken on the way, the last at its end with the other figures.
    const heapLow: Partial<Record<SoakProcess, number>> = {};
    const from = (m - 1) * 60;
    for (let i = 1; i < HEAP_SAMPLES_PER_MINUTE; i += 1) {
      const wait = t0 + (from + ((at - from) * i) / HEAP_SAMPLES_PER_MINUTE) * 1000 - Date.now();
      if (wait > 0) await sleep(wait);
      const early = await sampleAll();
      for (const p of SOAK_PROCESSES) {
        const h = early[p]?.heapUsedMb;
        if (h != null) heapLow[p] = Math.min(heapLow[p] ?? Infinity, h);
      }
    }
    const wait = t0 + at * 1000 - Date.now();
    if (wait > 0) await sleep(wait);
    const ended = window;
    window = new Recorder();
    const procs = await sampleAll();
    for (const p of SOAK_PROCESSES) {
      const s = procs[p];
      const low = heapLow[p];
      if (s && s.heapUsedMb != null && low !== undefined)
        procs[p] = { ...s, heapUsedMb: Math.min(s.heapUsedMb, low) };
    }
    const elapsed = (Date.now() - t0) / 1000;
    const stretch = Math.max(1, at - (m - 1) * 60);
    const minute: SoakMinute = {
      minute: at === m * 60 ? m : round(at / 60, 2),
      seconds: round(elapsed, 1),
      procs,
      requests: ended.total,
      rps: round(ended.total / stretch, 1),
      byKind: Object.fromEntries(ended.kindsSeen().map((k) => [k, kindMinute(ended, k)])),
      outcomes: diff(outcomes.counts, outcomesBefore),
    };
    outcomesBefore = new Map(outcomes.counts);
    minutes.push(minute);
    const label = `minute ${formatMinuteLabel(minute.minute)}`;
    printSamples(label, procs);
    log(formatLoadLine(label, minute));
  }
  stopped = true;
  const [shopperRun, floodRun] = await Promise.all([shoppers, flood, resets]);
  await waitForQueueEmpty(b, 'soak: consumer catching up');
  const afterDrain = await sampleAll();
  printSamples('drained', afterDrain);

  const verdict = soakVerdict(minutes, totalMinutes);
  for (const line of formatVerdict(verdict)) log(line);
  return {
    seconds,
    settings,
    webDist: { path: web.path, source: web.source },
    minutes,
    before,
    afterDrain,
    answers,
    outcomes: outcomes.summary(),
    errors: shopperRun.errors + floodRun.errors,
    verdict,
  };
}
