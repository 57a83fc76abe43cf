import { parseArgs } from 'node:util';

export const STRATEGIES = ['naive', 'pessimistic', 'optimistic', 'redis-mq'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const PHASES = ['baseline', 'crowd', 'orders', 'late', 'streams', 'drain', 'room'] as const;
export type Phase = (typeof PHASES)[number];

export interface Options {
  users: number;
  stock: number;
  connections: number;
  /** Seconds of each throughput phase (baseline, order, late orders). */
  duration: number;
  /** Orders queued for each consumer drain measurement. */
  drain: number;
  /** SSE streams held open on the API while the streams phase measures orders again. */
  streams: number;
  /** Run only the strategy comparison, with these strategies. */
  strategies: Strategy[] | null;
  /** An app already running; otherwise the bench starts its own. */
  url: string | null;
  /** Where bench-report.json and bench-report.html go. */
  outDir: string;
  /** Keep the bench's own database, keys and queues after the run. */
  keep: boolean;
  /** The phases to run (the verdict always runs). */
  phases: Phase[];
  /** The crowd meets an API just started: no warm-up sale before it. */
  cold: boolean;
  /** Start the bench's API with `node --cpu-prof`, profiles written to this folder. */
  profileDir: string | null;
  /** Run only the soak, for this many seconds (see phases/soak.ts). */
  soak: number | null;
  /** Soak: shoppers' requests (paths, orders, polls) per second. */
  soakRps: number;
  /** Soak: requests per second of the one client flooding distinct static URLs. */
  floodRps: number;
  /** Run only the matrix: queue type × group commit, baseline once, the order phase per cell. */
  matrix: boolean;
  /** Only the scale-out table: the order phase behind nginx for each of these API instance counts. */
  instances: number[] | null;
  help: boolean;
}

export const USAGE = `pnpm bench [options]

Runs a whole flash sale through the real HTTP API and prints a table; writes bench-report.json
and bench-report.html. Without --url it starts its own API and consumer (own database, key prefix
and queues, all removed afterwards).

  --users N          shoppers in the crowd (10000)
  --stock N          units for sale (1000)
  --connections N    concurrent connections (100)
  --duration S       seconds of each throughput phase (10)
  --drain N          orders queued for each consumer drain measurement (3000)
  --streams N        SSE streams (distinct shoppers) held open in the streams phase (2000)
  --strategy NAME    only compare ways to sell: naive|pessimistic|optimistic|redis-mq|all
  --url URL          target a running app (needs JWT_SECRET, SECKILL_LOADTEST_KEY, MYSQL_*,
                     REDIS_URL, AMQP_URL, SECKILL_PREFIX as that app has them)
  --cold             no warm-up before the crowd: it meets an API whose code has not run yet
  --phases LIST      some of baseline,crowd,orders,late,streams,drain,room (all); orders, late and
                     streams need baseline; orders brings the durable limit (own stack only)
  --profile DIR      run the bench's API under node --cpu-prof, profiles into DIR
  --soak DURATION    only the soak: a steady mixed load for DURATION (90s, 20m, 1h; a bare
                     number is seconds) with the web build served, the API's and consumer's
                     RSS, heap, handles, fds and threads printed every minute, then the books
  --soak-rps N       soak: shoppers' requests per second, paths, orders and polls (300)
  --flood-rps N      soak: requests per second of one client flooding distinct static URLs (200)
  --instances LIST   only the scale-out table: for each API instance count (1,2,3) a local cluster
                     (scripts/cluster.sh: nginx, N instances, consumers) and the order phase
                     through nginx; 1 instance also directly, for the balancer's cost
  --matrix           only the matrix: the baseline once, then the order phase on a fresh stack
                     for each of AMQP_QUEUE_TYPE quorum|classic × PUBLISH_GROUP_COMMIT 1|0
                     (--duration each); accepted and durable orders/s, p99, CPU per order
  --out DIR          where the reports go (the repository root)
  --keep             keep the bench's database, keys and queues
`;

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
}

/** "90s", "20m", "1h", "1h30m" or a bare number of seconds → seconds. */
export function parseDuration(raw: string): number {
  const text = raw.trim().toLowerCase();
  let seconds: number;
  if (/^\d+(\.\d+)?$/.test(text)) seconds = Number(text);
  else {
    const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)];
    if (!parts.length || parts.map((m) => m[0]).join('') !== text) {
      throw new Error(`--soak must be a duration like 90s, 20m or 1h (got "${raw}")`);
    }
    const unit: Record<string, number> = { h: 3600, m: 60, s: 1 };
    seconds = parts.reduce((sum, m) => sum + Number(m[1]) * (unit[m[2] ?? 's'] ?? 1), 0);
  }
  if (!(seconds >= 10)) throw new Error('--soak must last at least 10 s');
  return Math.round(seconds);
}

export function parseOptions(argv: string[], repoRoot: string): Options {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      users: { type: 'string' },
      stock: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      drain: { type: 'string' },
      streams: { type: 'string' },
      strategy: { type: 'string' },
      url: { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'boolean' },
      cold: { type: 'boolean' },
      phases: { type: 'string' },
      profile: { type: 'string' },
      soak: { type: 'string' },
      'soak-rps': { type: 'string' },
      'flood-rps': { type: 'string' },
      matrix: { type: 'boolean' },
      instances: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  let strategies: Strategy[] | null = null;
  if (values.strategy !== undefined) {
    const s = values.strategy;
    if (s === 'all') strategies = [...STRATEGIES];
    else if ((STRATEGIES as readonly string[]).includes(s)) strategies = [s as Strategy];
    else throw new Error(`--strategy must be one of ${STRATEGIES.join('|')}|all`);
  }
  let phases: Phase[] = [...PHASES];
  if (values.phases !== undefined) {
    const wanted = values.phases.split(',').map((p) => p.trim());
    const bad = wanted.filter((p) => !(PHASES as readonly string[]).includes(p));
    if (bad.length) throw new Error(`unknown phase ${bad.join(', ')}: use ${PHASES.join(',')}`);
    phases = PHASES.filter((p) => wanted.includes(p));
    const needBaseline = ['orders', 'late', 'streams'] as const;
    if (needBaseline.some((p) => phases.includes(p)) && !phases.includes('baseline')) {
      phases.unshift('baseline');
    }
  }
  const soak = values.soak === undefined ? null : parseDuration(values.soak);
  const matrix = values.matrix ?? false;
  if (matrix && (soak !== null || strategies || values.phases !== undefined)) {
    throw new Error('--matrix goes with none of --soak, --strategy, --phases');
  }
  if (matrix && values.url !== undefined) {
    throw new Error('--matrix starts a stack of its own per cell: it does not go with --url');
  }
  let instances: number[] | null = null;
  if (values.instances !== undefined) {
    instances = values.instances.split(',').map((n) => Number(n.trim()));
    if (!instances.every((n) => Number.isInteger(n) && n >= 1 && n <= 8)) {
      throw new Error('--instances must list API instance counts from 1 to 8, like 1,2,3');
    }
    if (matrix || soak !== null || strategies || values.url !== undefined) {
      throw new Error(
        '--instances starts its own clusters: it goes with none of --matrix, --soak, --strategy, --url',
      );
    }
  }
  if (soak !== null && strategies) throw new Error('--soak and --strategy do not go together');
  if (soak !== null && values.url !== undefined) {
    throw new Error(
      '--soak reads the API and consumer processes from /proc: it needs its own stack',
    );
  }
  return {
    users: positive('users', values.users, 10_000),
    stock: positive('stock', values.stock, 1000),
    connections: positive('connections', values.connections, 100),
    duration: positive('duration', values.duration, 10),
    drain: positive('drain', values.drain, 3000),
    streams: positive('streams', values.streams, 2000),
    strategies,
    url: values.url ?? null,
    outDir: values.out ?? repoRoot,
    keep: values.keep ?? false,
    phases,
    cold: values.cold ?? false,
    profileDir: values.profile ?? null,
    soak,
    soakRps: positive('soak-rps', values['soak-rps'], 300),
    floodRps: positive('flood-rps', values['flood-rps'], 200),
    matrix,
    instances,
    help: values.help ?? false,
  };
}
