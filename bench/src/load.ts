import autocannon, { type Client, type Request } from 'autocannon';
import { cpuPerAnswer, type CpuMeter } from './cpu.ts';
import { Progress } from './progress.ts';
import { answerLabel, type Recorder } from './stats.ts';

/** One HTTP request of the crowd, and what the bench files it under. */
export interface Shot {
  /** The endpoint it is counted under ("path", "order", "result", …). */
  kind: string;
  method: 'GET' | 'POST';
  path: string;
  token?: string;
  body?: string;
  /** Headers of this request besides the usual ones. */
  headers?: Record<string, string>;
  /** The caller's index of the shot, to match answers to what it prepared. */
  ref?: number;
}

/**
 * What one connection does: like one browser tab after another, it asks `next()` for the
 * request to send and is told the answer in `answered()`. `next()` returns null when it has
 * nothing left to do; the connection then closes.
 */
export interface Connection {
  next(): Shot | null;
  answered(shot: Shot, status: number, body: unknown): void;
}

export interface LoadSpec {
  title: string;
  url: string;
  connections: number;
  /** Stop after this long even if connections still have work. */
  maxSeconds: number;
  loadtestKey?: string;
  connection: () => Connection;
  recorder: Recorder;
  /** Measures each process's CPU time over the run. */
  cpu?: CpuMeter;
  /** For the progress bar: how far along the phase is, out of `total` (default: seconds). */
  progress?: { total: number; done: () => number; unit?: string };
}

export interface LoadResult {
  errors: number;
  timeouts: number;
  seconds: number;
  /** CPU µs per answer by process (with `cpu`). */
  cpuUs: Record<string, number>;
}

/** Sent to keep autocannon's request loop valid once a connection has no work; never recorded. */
const IDLE: Shot = { kind: '', method: 'GET', path: '/healthz' };

type Destroyable = Client & { destroy(): void };

/**
 * Drives the connections with autocannon. Every answer is recorded under its shot's kind with
 * its latency (autocannon's own measure, ms) and its "status code" label.
 */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const base: Record<string, string> = { 'user-agent': 'seckill-bench' };
  if (spec.loadtestKey) base['x-loadtest-key'] = spec.loadtestKey;
  let errors = 0;
  let open = spec.connections;
  const started = Date.now();
  const bar = spec.progress ?? {
    total: spec.maxSeconds,
    done: () => Math.min(spec.maxSeconds, (Date.now() - started) / 1000),
    unit: 's',
  };
  const progress = new Progress(spec.title, bar.total, bar.unit);
  const cpuBefore = spec.cpu?.snapshot();
  const answersBefore = spec.recorder.total;
  const update = () => {
    const seconds = (Date.now() - started) / 1000;
    progress.update(bar.done(), seconds > 0 ? spec.recorder.total / seconds : 0);
  };

  return new Promise<LoadResult>((resolve, reject) => {
    const tick = setInterval(update, 200);
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: spec.maxSeconds,
        timeout: 30,
        setupClient: (client: Client) => {
          const conn = spec.connection();
          let sent: Shot | null = null;
          let body = '';
          let status = 0;
          let finished = false;
          const c = client as Destroyable;
          client.setRequests([
            {
              setupRequest: (req: Request) => {
                // An answer never came (timeout, reset): the shot failed.
                if (sent && sent !== IDLE) conn.answered(sent, 0, null);
                let shot = conn.next();
                if (!shot) {
                  shot = IDLE;
                  if (!finished) {
                    finished = true;
                    open -= 1;
                    setImmediate(() => c.destroy());
                    if (open === 0) instance.stop();
                  }
                }
                sent = shot;
                const headers: Record<string, string> = { ...base, ...shot.headers };
                if (shot.token) headers.authorization = `Bearer ${shot.token}`;
                if (shot.body !== undefined) headers['content-type'] ??= 'application/json';
                return { ...req, method: shot.method, path: shot.path, headers, body: shot.body };
              },
              onResponse: (s: number, b: string) => {
                status = s;
                body = b;
              },
            },
          ]);
          // Emitted after onResponse, before the next setupRequest: `sent` is the shot answered.
          client.on('response', (_s: number, _bytes: number, ms: number) => {
            const shot = sent;
            sent = null;
            if (!shot || shot === IDLE) return;
            const parsed = parseJson(body);
            spec.recorder.record(shot.kind, Date.now(), ms, answerLabel(status, parsed));
            conn.answered(shot, status, parsed);
          });
        },
      },
      (err, result) => {
        clearInterval(tick);
        const cpuAfter = spec.cpu?.snapshot();
        update();
        progress.stop();
        if (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        const answers = spec.recorder.total - answersBefore;
        resolve({
          errors,
          timeouts: result.timeouts,
          seconds: (Date.now() - started) / 1000,
          cpuUs: cpuBefore && cpuAfter ? cpuPerAnswer(cpuBefore, cpuAfter, answers) : {},
        });
      },
    );
    instance.on('reqError', () => {
      errors += 1;
    });
  });
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** A connection that sends prepared shots from a shared list, each once, in order. */
export function fromList(shots: Shot[]): () => Connection {
  let i = 0;
  return () => ({
    next: () => (i < shots.length ? (shots[i++] ?? null) : null),
    answered: () => {},
  });
}

/** A connection that cycles over a shared list until the phase's time is up. */
export function cycling(shots: Shot[], until: () => boolean): () => Connection {
  let i = 0;
  return () => ({
    next: () => (until() || shots.length === 0 ? null : (shots[i++ % shots.length] ?? null)),
    answered: () => {},
  });
}
