import type { OrderResult } from '@seckill/contracts';
import { toApiError } from '@/api/errors';

/** How a wait for the order's outcome ended. */
export type PollOutcome =
  | { status: 'success'; orderId: string }
  | { status: 'sold_out' }
  | { status: 'failed' }
  /** The server knows no order from this buyer (it was voided, e.g. by a stock reset). */
  | { status: 'none' }
  /** Still queued when we stopped asking: the order may yet go through. */
  | { status: 'gave_up' }
  | { status: 'aborted' };

export interface Backoff {
  /** Wait before the first check, then grows by `factor` up to `maxDelayMs`. */
  firstDelayMs?: number;
  factor?: number;
  maxDelayMs?: number;
}

/** The order's outcome as the event stream pushes it. */
export interface ResultPush {
  /** True while the stream is up: the result will be pushed, so nothing is polled. */
  connected(): boolean;
  /**
   * Calls `result` for each result pushed for this sale (at once for one that came since the
   * attempt began), `hello` on each (re)connect, `down` when the stream drops. Returns the unlisten.
   */
  listen(listener: ResultListener): () => void;
}

export interface ResultListener {
  result(result: OrderResult): void;
  hello(): void;
  down(): void;
}

export interface PollOptions extends Backoff {
  fetch: (signal: AbortSignal) => Promise<OrderResult>;
  signal?: AbortSignal;
  /** The event stream, if there is one: while it is up nothing is polled. */
  push?: ResultPush;
  /** Checks (while no stream is up) before giving up. */
  maxAttempts?: number;
  /** Gives up after this long in all, pushed or polled; only counted with a push. */
  maxWaitMs?: number;
  /** Called with each delay before it is waited (for tests and progress displays). */
  onWait?: (delayMs: number, attempt: number) => void;
}

export const POLL_DEFAULTS = {
  firstDelayMs: 400,
  factor: 1.5,
  maxDelayMs: 3000,
  maxAttempts: 30,
  /** About as long as the polls take before they give up. */
  maxWaitMs: 90_000,
} as const;

const NO_PUSH: ResultPush = { connected: () => false, listen: () => () => {} };

/** The delay before each attempt: firstDelayMs, ×factor each time, capped at maxDelayMs. */
export function backoffDelay(attempt: number, b: Backoff = {}): number {
  const first = b.firstDelayMs ?? POLL_DEFAULTS.firstDelayMs;
  const factor = b.factor ?? POLL_DEFAULTS.factor;
  const max = b.maxDelayMs ?? POLL_DEFAULTS.maxDelayMs;
  return Math.min(max, Math.round(first * factor ** attempt));
}

function outcomeOf(result: OrderResult): PollOutcome | null {
  switch (result.status) {
    case 'success':
      return { status: 'success', orderId: result.orderId ?? '' };
    case 'sold_out':
    case 'failed':
    case 'none':
      return { status: result.status };
    case 'queued':
      return null;
  }
}

/**
 * Waits for the order's outcome: pushed while the event stream is up (no request at all), asked
 * for with backoff while it is down. Answers that say "try again" (busy, rate limited, no network)
 * count as a check; any other error ends the wait. Each hello re-reads the result once, since
 * whatever was pushed while no stream was open is lost.
 */
export function pollResult(opts: PollOptions): Promise<PollOutcome> {
  const push = opts.push ?? NO_PUSH;
  const maxAttempts = opts.maxAttempts ?? POLL_DEFAULTS.maxAttempts;
  return new Promise<PollOutcome>((resolve, reject) => {
    let done = false;
    let attempt = 0;
    let pollTimer: ReturnType<typeof setTimeout> | undefined;
    let fetching: AbortController | null = null;
    let readAgain = false;
    let unlisten: (() => void) | null = null;

    const deadline = opts.push
      ? setTimeout(() => finish({ status: 'gave_up' }), opts.maxWaitMs ?? POLL_DEFAULTS.maxWaitMs)
      : undefined;
    const onAbort = () => finish({ status: 'aborted' });

    function finish(outcome: PollOutcome | Error) {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      clearTimeout(pollTimer);
      fetching?.abort();
      unlisten?.();
      opts.signal?.removeEventListener('abort', onAbort);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    }

    function settle(result: OrderResult): boolean {
      const outcome = outcomeOf(result);
      if (outcome) finish(outcome);
      return outcome !== null;
    }

    /** Polls next unless the stream is up (then the push, or the next hello, will tell). */
    function next() {
      if (done || fetching || pollTimer !== undefined || push.connected()) return;
      if (attempt >= maxAttempts) return finish({ status: 'gave_up' });
      const delay = backoffDelay(attempt, opts);
      opts.onWait?.(delay, attempt);
      attempt++;
      pollTimer = setTimeout(() => {
        pollTimer = undefined;
        void check();
      }, delay);
    }

    async function check() {
      if (done) return;
      if (fetching) {
        readAgain = true;
        return;
      }
      const controller = new AbortController();
      fetching = controller;
      try {
        const result = await opts.fetch(controller.signal);
        fetching = null;
        if (done || settle(result)) return;
      } catch (err) {
        fetching = null;
        if (done) return;
        const error = toApiError(err);
        if (error.code === 'CANCELED') return finish({ status: 'aborted' });
        if (!error.retryable) return finish(error);
      }
      if (readAgain) {
        readAgain = false;
        return check();
      }
      next();
    }

    if (opts.signal?.aborted) return finish({ status: 'aborted' });
    opts.signal?.addEventListener('abort', onAbort);
    const stop = push.listen({
      result: (r) => void (!done && settle(r)),
      hello() {
        if (done) return;
        clearTimeout(pollTimer);
        pollTimer = undefined;
        void check();
      },
      down: () => next(),
    });
    if (done) stop();
    else unlisten = stop;
    next();
  });
}
