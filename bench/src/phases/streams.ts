import http from 'node:http';
import type { EventTicketResponse } from '@seckill/contracts';
import type { BenchUser } from '../fixtures.ts';
import { withProgress } from '../progress.ts';
import type { Target } from '../stack.ts';
import { answerLabel, type EndpointStats } from '../stats.ts';
import type { Bench } from './context.ts';
import { measureOrders } from './throughput.ts';

export interface StreamsResult {
  /** Streams the phase meant to open, one per distinct shopper. */
  wanted: number;
  /** Streams that answered 200 and sent their `hello`. */
  open: number;
  /** Streams not opened, by answer ("429 RATE_LIMITED", "no hello", "error", …). */
  refused: Record<string, number>;
  /** From the first ticket asked for to the last stream's hello. */
  openMs: number;
  /** Streams open (hello seen, not closed) when the first order request went out and after the last answer. */
  openAtStart: number;
  openAtEnd: number;
  /** Events the streams received while open, by SSE event name ("ping" for comments). */
  events: Record<string, number>;
  /** The order measurement on fresh sales, with no stream open, then with the streams open. */
  without: EndpointStats;
  with: EndpointStats;
}

/** How many open streams this phase holds on the one API instance. */
export const STREAMS = 2000;
/** Tickets asked for and streams opened at once. */
const OPENING_CONCURRENCY = 50;
/** A stream that has not sent its hello by then counts as not opened. */
const HELLO_TIMEOUT_MS = 10_000;

/**
 * Server-Sent Events held open by the bench: each shopper asks for a single-use ticket
 * (POST /api/events/ticket) and opens GET /api/events with it on a keep-alive socket of its own,
 * which is then read for as long as it stays open, counting the events.
 */
export class StreamCrowd {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  private readonly requests = new Set<http.ClientRequest>();
  private closing = false;
  /** Streams that sent their hello and have not closed. */
  open = 0;
  /** Streams that closed (from the server's side) before close() was called. */
  closedEarly = 0;
  readonly events: Record<string, number> = {};
  readonly refused: Record<string, number> = {};

  constructor(private readonly target: Target) {}

  /** Opens one stream per shopper, `goodsOf(i)` the sale the i-th one watches; resolves once each is open or refused. */
  async openAll(
    b: Bench,
    users: BenchUser[],
    goodsOf: (i: number) => number,
  ): Promise<{ open: number; ms: number }> {
    const t0 = Date.now();
    let next = 0;
    let settled = 0;
    await withProgress('streams: opening', users.length, async (tick) => {
      const worker = async () => {
        for (;;) {
          const i = next;
          next += 1;
          const user = users[i];
          if (!user) return;
          const outcome = await this.openOne(b, user, goodsOf(i)).catch(() => 'error');
          if (outcome !== 'opened') this.refused[outcome] = (this.refused[outcome] ?? 0) + 1;
          settled += 1;
          tick(settled);
        }
      };
      await Promise.all(Array.from({ length: OPENING_CONCURRENCY }, worker));
    });
    return { open: this.open, ms: Date.now() - t0 };
  }

  private async openOne(b: Bench, user: BenchUser, goodsId: number): Promise<string> {
    const t = await b.api.call<Partial<EventTicketResponse>>('POST', '/api/events/ticket', {
      token: user.token,
    });
    if (t.status !== 200 || typeof t.body.ticket !== 'string') {
      return `ticket ${answerLabel(t.status, t.body)}`;
    }
    const url = new URL('/api/events', this.target.url);
    url.searchParams.set('ticket', t.body.ticket);
    url.searchParams.set('goods', String(goodsId));
    return new Promise<string>((resolve) => {
      let helloSeen = false;
      let done = false;
      const finish = (outcome: string) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const req = http.get(url, {
        agent: this.agent,
        headers: {
          accept: 'text/event-stream',
          'user-agent': 'seckill-bench',
          'x-loadtest-key': this.target.loadtestKey,
        },
      });
      this.requests.add(req);
      const timer = setTimeout(() => {
        finish('no hello');
        req.destroy();
      }, HELLO_TIMEOUT_MS);
      req.on('error', () => finish('error'));
      req.on('close', () => {
        this.requests.delete(req);
        if (helloSeen) {
          this.open -= 1;
          if (!this.closing) this.closedEarly += 1;
        }
        finish('closed before hello');
      });
      req.on('response', (res) => {
        res.setEncoding('utf8');
        if (res.statusCode !== 200) {
          let body = '';
          res.on('data', (c: string) => (body += c));
          res.on('end', () => {
            finish(answerLabel(res.statusCode ?? 0, parseJson(body)));
            req.destroy();
          });
          return;
        }
        let rest = '';
        res.on('data', (chunk: string) => {
          const text = rest + chunk;
          const cut = text.lastIndexOf('\n');
          rest = text.slice(cut + 1);
          for (const line of text.slice(0, cut + 1).split('\n')) {
            const name = line.startsWith('event:')
              ? line.slice(6).trim()
              : line.startsWith(':')
                ? 'ping'
                : null;
            if (!name) continue;
            this.events[name] = (this.events[name] ?? 0) + 1;
            if (name === 'hello' && !helloSeen) {
              helloSeen = true;
              this.open += 1;
              finish('opened');
            }
          }
        });
      });
    });
  }

  /** Ends every stream the bench holds. */
  close() {
    this.closing = true;
    for (const req of this.requests) req.destroy();
    this.agent.destroy();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/**
 * Phase: the order measurement of phase 3 on fresh sales, once with no stream open, then again
 * with `STREAMS` SSE streams open on the one API instance — one per distinct shopper, each watching
 * one of the sales, and most of them shoppers of that very run (so their results are pushed to
 * them as the consumer writes). The streams are opened before the paths are issued, held and
 * read through the measured window, and closed right after it.
 */
export async function measureStreams(
  b: Bench,
  expectedRps: number,
  count = STREAMS,
): Promise<StreamsResult> {
  const without = await measureOrders(b, expectedRps, { label: 'streams: orders, no SSE' });
  b.log(`  orders without streams: ${Math.round(without.rps)} req/s, p99 ${without.p99} ms`);

  const crowd = new StreamCrowd(b.stack.target);
  let opened = { open: 0, ms: 0 };
  let openAtStart = 0;
  let openAtEnd = 0;
  let eventsAtEnd: Record<string, number> = {};
  try {
    const withStreams = await measureOrders(b, expectedRps, {
      label: `streams: orders, ${count} SSE`,
      prepared: async ({ users, sales }) => {
        const more = users.length < count ? await b.users.create(count - users.length) : [];
        const watchers = [...users.slice(0, count), ...more];
        opened = await crowd.openAll(b, watchers, (i) => sales[i % sales.length] ?? 0);
        b.log(`  ${opened.open} of ${count} streams open (hello each) in ${opened.ms} ms`);
        const refused = Object.keys(crowd.refused).length;
        if (refused) b.log(`  streams not opened: ${JSON.stringify(crowd.refused)}`);
      },
      windowStart: () => (openAtStart = crowd.open),
      windowEnd: () => {
        openAtEnd = crowd.open;
        eventsAtEnd = { ...crowd.events };
        crowd.close();
      },
    });
    return {
      wanted: count,
      open: opened.open,
      refused: { ...crowd.refused },
      openMs: opened.ms,
      openAtStart,
      openAtEnd,
      events: eventsAtEnd,
      without,
      with: withStreams,
    };
  } finally {
    crowd.close();
  }
}
