import { LIVE_WINDOW_MAX_S, type LiveInstance, type LiveSecond } from '@seckill/contracts';
import { liveKeys, type LiveKeys, type RedisClient } from '@seckill/stock';
import { LATENCY_BUCKETS, latencyBucket, latencyQuantile } from './buckets.ts';

/** A second's hash outlives the longest window a little, then Redis drops it. */
const SECOND_TTL_MS = (LIVE_WINDOW_MAX_S + 60) * 1000;
/** A process not heard from for this long is gone from the instances list. */
const HEARTBEAT_TTL_MS = 5000;
/** Seconds kept in memory while Redis is away; older ones are dropped (memory bounded). */
const MAX_UNFLUSHED = 120;

/** Fields of one second's hash. Short: thousands of them may sit in Redis. */
const F = { accepted: 'a', committed: 'c', soldOut: 'o', queue: 'q', dead: 'd' } as const;
const latencyField = (i: number) => `h${i}`;
const LATENCY_FIELDS = Array.from({ length: LATENCY_BUCKETS }, (_, i) => latencyField(i));

export interface LiveProcess {
  id: string;
  kind: 'api' | 'consumer';
  pid: number;
  metricsPort: number | null;
}

export interface QueueSample {
  ready: number;
  deadLetters: number;
}

/** What one process saw in one second, not yet added to Redis. */
interface Tally {
  sec: number;
  accepted: number;
  committed: number;
  soldOut: number;
  latency: Uint32Array;
}

const newTally = (sec: number): Tally => ({
  sec,
  accepted: 0,
  committed: 0,
  soldOut: 0,
  latency: new Uint32Array(LATENCY_BUCKETS),
});

export interface LiveRecorderOptions {
  redis: RedisClient;
  prefix: string;
  self: LiveProcess;
  /** Flush and heartbeat period (1 s; tests may go faster). */
  intervalMs?: number;
  /** Given to the processes that may sample the queue; one of them does so each second. */
  sampleQueue?: () => Promise<QueueSample>;
  onError?: (err: Error) => void;
}

/**
 * One process's share of the live view. The hot path only adds to counters in memory; once a
 * second they are added to the second's shared hash in Redis (HINCRBY, so every process's counts
 * sum), with a heartbeat naming the process. `stop()` flushes what is left.
 */
export class LiveRecorder {
  private readonly keys: LiveKeys;
  private current: Tally;
  private unflushed: Tally[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private stopped: Promise<void> | null = null;

  constructor(private readonly o: LiveRecorderOptions) {
    this.keys = liveKeys(o.prefix);
    this.current = newTally(Math.floor(Date.now() / 1000));
  }

  get self(): LiveProcess {
    return this.o.self;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.flush(), this.o.intervalMs ?? 1000);
    this.timer.unref();
    void this.flush();
  }

  /** An order request answered: queued, sold out, or anything else (latency only). */
  orderAnswered(result: 'accepted' | 'soldOut' | 'other', ms: number): void {
    const t = this.tally();
    if (result === 'accepted') t.accepted += 1;
    else if (result === 'soldOut') t.soldOut += 1;
    const b = latencyBucket(ms);
    t.latency[b] = (t.latency[b] ?? 0) + 1;
  }

  /** Orders the consumer's writer committed. */
  committed(n: number): void {
    if (n > 0) this.tally().committed += n;
  }

  private tally(): Tally {
    const sec = Math.floor(Date.now() / 1000);
    if (sec !== this.current.sec) {
      this.unflushed.push(this.current);
      this.current = newTally(sec);
    }
    return this.current;
  }

  /** Adds everything counted so far to Redis; one flush at a time. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushOnce());
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    const open = this.current;
    const batch = this.unflushed;
    batch.push(open);
    this.unflushed = [];
    this.current = newTally(open.sec);
    const p = this.o.redis.pipeline();
    for (const t of batch) {
      const key = this.keys.second(t.sec);
      if (!hasCounts(t)) continue;
      if (t.accepted) p.hincrby(key, F.accepted, t.accepted);
      if (t.committed) p.hincrby(key, F.committed, t.committed);
      if (t.soldOut) p.hincrby(key, F.soldOut, t.soldOut);
      for (let i = 0; i < LATENCY_BUCKETS; i += 1) {
        const n = t.latency[i] ?? 0;
        if (n) p.hincrby(key, LATENCY_FIELDS[i] ?? latencyField(i), n);
      }
      p.pexpire(key, SECOND_TTL_MS);
    }
    if (!this.stopped) this.heartbeat(p);
    try {
      const results = await p.exec();
      const failed = results?.find(([err]) => err)?.[0];
      if (failed) this.o.onError?.(failed);
    } catch (err) {
      // Redis away: keep the seconds for the next flush, up to a bound.
      this.unflushed = [...batch.filter(hasCounts), ...this.unflushed];
      const over = this.unflushed.length - MAX_UNFLUSHED;
      if (over > 0) this.unflushed.splice(0, over);
      this.o.onError?.(err as Error);
      return;
    }
    if (this.o.sampleQueue && !this.stopped)
      await this.sampleQueue().catch((err: Error) => this.o.onError?.(err));
  }

  private heartbeat(p: ReturnType<RedisClient['pipeline']>) {
    const { id, kind, pid, metricsPort } = this.o.self;
    const beat = { id, kind, pid, metricsPort, lastSeen: new Date().toISOString() };
    p.set(this.keys.instance(id), JSON.stringify(beat), 'PX', HEARTBEAT_TTL_MS);
    p.sadd(this.keys.instances, id);
    p.pexpire(this.keys.instances, SECOND_TTL_MS);
  }

  /** One process holds the sampler key and samples the queue for the second; the others don't. */
  private async sampleQueue(): Promise<void> {
    const sample = this.o.sampleQueue;
    if (!sample) return;
    const { id } = this.o.self;
    const ttl = 3 * (this.o.intervalMs ?? 1000);
    const took = await this.o.redis.set(this.keys.sampler, id, 'PX', ttl, 'NX');
    if (took !== 'OK') {
      if ((await this.o.redis.get(this.keys.sampler)) !== id) return;
      await this.o.redis.pexpire(this.keys.sampler, ttl);
    }
    const q = await sample();
    const key = this.keys.second(Math.floor(Date.now() / 1000));
    await this.o.redis
      .pipeline()
      .hset(key, F.queue, q.ready, F.dead, q.deadLetters)
      .pexpire(key, SECOND_TTL_MS)
      .exec();
  }

  /** Whether this process sampled the queue last (it holds the sampler key). */
  async isSampler(): Promise<boolean> {
    return (await this.o.redis.get(this.keys.sampler)) === this.o.self.id;
  }

  /** Flushes the last counts and takes the process off the list; a second call returns the first's promise. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      await this.flush();
      await this.o.redis
        .pipeline()
        .del(this.keys.instance(this.o.self.id))
        .srem(this.keys.instances, this.o.self.id)
        .exec()
        .catch(() => {});
    })();
    return this.stopped;
  }
}

function hasCounts(t: Tally): boolean {
  return t.accepted + t.committed + t.soldOut > 0 || t.latency.some((n) => n > 0);
}

const num = (v: string | undefined) => (v === undefined ? 0 : Number(v));

/**
 * The deployment's last `windowSeconds` seconds (the current one last, still filling), read from
 * the known keys of those seconds — no SCAN — and the processes with a live heartbeat.
 */
export async function readLiveWindow(
  redis: RedisClient,
  prefix: string,
  windowSeconds: number,
  nowMs = Date.now(),
): Promise<{ seconds: LiveSecond[]; instances: LiveInstance[] }> {
  const keys = liveKeys(prefix);
  const last = Math.floor(nowMs / 1000);
  const secs = Array.from({ length: windowSeconds }, (_, i) => last - windowSeconds + 1 + i);
  const p = redis.pipeline();
  for (const sec of secs) p.hgetall(keys.second(sec));
  p.smembers(keys.instances);
  const results = (await p.exec()) ?? [];
  const failed = results.find(([err]) => err)?.[0];
  if (failed) throw failed;
  const counts = new Array<number>(LATENCY_BUCKETS);
  const seconds = secs.map((sec, i): LiveSecond => {
    const h = (results[i]?.[1] ?? {}) as Record<string, string>;
    for (let b = 0; b < LATENCY_BUCKETS; b += 1) counts[b] = num(h[LATENCY_FIELDS[b] ?? '']);
    return {
      t: sec * 1000,
      accepted: num(h[F.accepted]),
      committed: num(h[F.committed]),
      soldOut: num(h[F.soldOut]),
      p50Ms: roundMs(latencyQuantile(counts, 0.5)),
      p99Ms: roundMs(latencyQuantile(counts, 0.99)),
      queueDepth: h[F.queue] === undefined ? null : Number(h[F.queue]),
      deadLetters: h[F.dead] === undefined ? null : Number(h[F.dead]),
    };
  });
  const ids = (results[secs.length]?.[1] ?? []) as string[];
  const instances: LiveInstance[] = [];
  if (ids.length) {
    const beats = await redis.mget(ids.map((id) => keys.instance(id)));
    const gone: string[] = [];
    beats.forEach((beat, i) => {
      if (beat) instances.push(JSON.parse(beat) as LiveInstance);
      else gone.push(ids[i] ?? '');
    });
    // Their heartbeat expired: they stopped without saying so (a crash, a SIGKILL).
    if (gone.length) await redis.srem(keys.instances, ...gone);
  }
  instances.sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
  return { seconds, instances };
}

const roundMs = (ms: number | null) => (ms === null ? null : Math.round(ms * 100) / 100);
