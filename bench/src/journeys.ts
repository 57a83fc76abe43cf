import type { BenchUser } from './fixtures.ts';
import type { Connection, Shot } from './load.ts';
import { orderShot, pathShot, resultShot } from './shots.ts';

/** How long a shopper waits between two polls of a queued order. */
export const POLL_MS = 100;
/** Tries of a step answered 503/429 (or not at all) before the shopper gives up. */
export const MAX_TRIES = 3;
/** Polls before a shopper whose order stays queued gives up. */
const MAX_POLLS = 300;

/** How each shopper of a crowd ended: "success", "SOLD_OUT", "REPEAT", "gave up", … */
export class Outcomes {
  readonly byUser = new Map<number, string>();
  readonly counts = new Map<string, number>();

  finish(user: BenchUser, outcome: string) {
    this.byUser.set(user.id, outcome);
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
  }

  get finished() {
    return this.byUser.size;
  }

  summary(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort((a, b) => b[1] - a[1]));
  }
}

const retriable = (status: number) => status === 0 || status === 429 || status === 503;
const codeOf = (body: unknown): string => {
  const b = body as { code?: unknown; status?: unknown } | null;
  if (typeof b?.code === 'string') return b.code;
  if (typeof b?.status === 'string') return b.status;
  return 'error';
};

interface Shopper {
  user: BenchUser;
  goodsId: number;
  tries: number;
  path?: string;
  polls: number;
  due: number;
}

/** The next shopper to serve and the sale they buy from; null when there is nobody left. */
export type ShopperSupply = () => { user: BenchUser; goodsId: number } | null;

/**
 * The product's crowd: each shopper asks for a path, orders with it, then polls the result every
 * POLL_MS until it is final. A connection serves one shopper's path and order at a time and takes
 * the next shopper while earlier ones wait to poll, as a crowd on keep-alive connections would.
 */
export function shopperCrowd(
  users: BenchUser[],
  goodsId: number,
  outcomes: Outcomes,
): () => Connection {
  let nextUser = 0;
  return shopperJourneys(() => {
    const user = users[nextUser];
    if (!user) return null;
    nextUser += 1;
    return { user, goodsId };
  }, outcomes);
}

/** shopperCrowd's journeys, with shoppers (and each one's sale) from `supply` (the soak's endless one). */
export function shopperJourneys(supply: ShopperSupply, outcomes: Outcomes): () => Connection {
  const pathOf = (s: Shopper): Shot => pathShot(s.goodsId, s.user.token);
  const orderOf = (s: Shopper): Shot => orderShot('order', s.goodsId, s.path ?? '', s.user.token);
  const resultOf = (s: Shopper): Shot => resultShot(s.goodsId, s.user.token);

  return () => {
    let active: Shopper | null = null;
    let polled: Shopper | null = null;
    const waiting: Shopper[] = []; // in order of `due`: every wait is POLL_MS
    const wait = (s: Shopper) => {
      s.due = Date.now() + POLL_MS;
      waiting.push(s);
    };
    const giveUpOrRetry = (s: Shopper, status: number, body: unknown): boolean => {
      if (retriable(status) && (s.tries += 1) < MAX_TRIES) return true;
      outcomes.finish(s.user, retriable(status) ? `gave up (${status})` : codeOf(body));
      return false;
    };
    return {
      next() {
        const head = waiting[0];
        if (head && head.due <= Date.now()) {
          polled = waiting.shift() ?? null;
          return resultOf(head);
        }
        if (active) return active.path ? orderOf(active) : pathOf(active);
        const next = supply();
        if (next) {
          active = { ...next, tries: 0, polls: 0, due: 0 };
          return pathOf(active);
        }
        if (head) {
          polled = waiting.shift() ?? null;
          return resultOf(head);
        }
        return null;
      },
      answered(shot, status, body) {
        if (shot.kind === 'result') {
          const s = polled;
          polled = null;
          if (!s) return;
          const result = codeOf(body);
          if (status === 200 && result === 'queued') {
            if ((s.polls += 1) < MAX_POLLS) wait(s);
            else outcomes.finish(s.user, 'still queued');
          } else if (status === 200) {
            outcomes.finish(s.user, result);
          } else if ((s.polls += 1) < MAX_POLLS) {
            wait(s);
          } else {
            outcomes.finish(s.user, `result ${status}`);
          }
          return;
        }
        const s = active;
        if (!s) return;
        if (shot.kind === 'path') {
          const path = (body as { path?: unknown } | null)?.path;
          if (status === 200 && typeof path === 'string') {
            s.path = path;
            return;
          }
          if (!giveUpOrRetry(s, status, body)) active = null;
          return;
        }
        // The order: queued → poll; refused → done; 503 → a new path and try again.
        active = null;
        if (status === 202) {
          wait(s);
        } else if (giveUpOrRetry(s, status, body)) {
          s.path = undefined;
          active = s;
        }
      },
    };
  };
}

/** A lab crowd: each shopper orders once through /api/lab/<strategy>; the answer is final. */
export function labCrowd(
  users: BenchUser[],
  strategy: string,
  goodsId: number,
  outcomes: Outcomes,
): () => Connection {
  let nextUser = 0;
  return () => {
    let active: Shopper | null = null;
    return {
      next() {
        if (!active) {
          const user = users[nextUser];
          if (!user) return null;
          nextUser += 1;
          active = { user, goodsId, tries: 0, polls: 0, due: 0 };
        }
        return {
          kind: 'order',
          method: 'POST',
          path: `/api/lab/${strategy}/${goodsId}/order`,
          token: active.user.token,
        };
      },
      answered(_shot, status, body) {
        const s = active;
        if (!s) return;
        if (status === 201) {
          outcomes.finish(s.user, 'success');
          active = null;
        } else if (retriable(status) && (s.tries += 1) < MAX_TRIES) {
          // the same shopper tries again
        } else {
          outcomes.finish(s.user, retriable(status) ? `gave up (${status})` : codeOf(body));
          active = null;
        }
      },
    };
  };
}
