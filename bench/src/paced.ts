import http from 'node:http';
import type { Connection, Shot } from './load.ts';
import { answerLabel } from './stats.ts';

/**
 * A steady load for the soak: `lanes` keep-alive connections share one pace of `rate` requests
 * per second, spread evenly over each second (autocannon's rate limit sends each second's quota
 * at once, then waits). Each lane drives one `Connection` state machine, as runLoad's do.
 */
export interface PacedSpec {
  url: string;
  lanes: number;
  rate: number;
  /** Sent with every request (e.g. the load-test key). */
  headers?: Record<string, string>;
  connection: () => Connection;
  /** Every answer: its shot's kind, when it came, how long it took (ms), its "status code" label. */
  record: (kind: string, endMs: number, ms: number, label: string) => void;
  /** Checked before each request: true ends the lane. */
  stop: () => boolean;
  timeoutMs?: number;
}

export interface PacedResult {
  requests: number;
  /** Requests that got no answer (reset, timeout). */
  errors: number;
}

/** Hands out send times 1/rate apart; a lane that falls behind catches up at most one second. */
export class Pacer {
  private nextAt = performance.now();
  private readonly gapMs: number;

  constructor(rate: number) {
    this.gapMs = 1000 / rate;
  }

  /** Resolves at this caller's send time. */
  async take(): Promise<void> {
    const now = performance.now();
    if (this.nextAt < now - 1000) this.nextAt = now - 1000;
    const at = this.nextAt;
    this.nextAt += this.gapMs;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }
}

interface Answer {
  status: number;
  body: unknown;
}

function send(
  agent: http.Agent,
  base: URL,
  shot: Shot,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<Answer> {
  return new Promise((resolve) => {
    const h: Record<string, string> = { ...headers, ...shot.headers };
    if (shot.token) h.authorization = `Bearer ${shot.token}`;
    let payload: Buffer | undefined;
    if (shot.body !== undefined) {
      payload = Buffer.from(shot.body);
      h['content-type'] = 'application/json';
      h['content-length'] = String(payload.length);
    }
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: shot.method,
        path: shot.path,
        headers: h,
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = null;
          if (String(res.headers['content-type'] ?? '').includes('json')) {
            try {
              body = JSON.parse(text) as unknown;
            } catch {
              body = null;
            }
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', () => resolve({ status: 0, body: null }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, body: null }));
    req.end(payload);
  });
}

export async function runPaced(spec: PacedSpec): Promise<PacedResult> {
  const base = new URL(spec.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.lanes });
  const pacer = new Pacer(spec.rate);
  const headers = { 'user-agent': 'seckill-bench', ...spec.headers };
  const timeoutMs = spec.timeoutMs ?? 30_000;
  let requests = 0;
  let errors = 0;
  const lane = async () => {
    const conn = spec.connection();
    for (;;) {
      await pacer.take();
      if (spec.stop()) return;
      const shot = conn.next();
      if (!shot) return;
      const t0 = performance.now();
      const a = await send(agent, base, shot, headers, timeoutMs);
      const ms = performance.now() - t0;
      requests += 1;
      if (a.status === 0) errors += 1;
      spec.record(shot.kind, Date.now(), ms, answerLabel(a.status, a.body));
      conn.answered(shot, a.status, a.body);
    }
  };
  try {
    await Promise.all(Array.from({ length: spec.lanes }, lane));
  } finally {
    agent.destroy();
  }
  return { requests, errors };
}
