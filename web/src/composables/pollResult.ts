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

export interface PollOptions extends Backoff {
  fetch: (signal: AbortSignal) => Promise<OrderResult>;
  signal?: AbortSignal;
  /** Checks before giving up. */
  maxAttempts?: number;
  /** Called with each delay before it is waited (for tests and progress displays). */
  onWait?: (delayMs: number, attempt: number) => void;
}

export const POLL_DEFAULTS = {
  firstDelayMs: 400,
  factor: 1.5,
  maxDelayMs: 3000,
  maxAttempts: 30,
} as const;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/** The delay before each attempt: firstDelayMs, ×factor each time, capped at maxDelayMs. */
export function backoffDelay(attempt: number, b: Backoff = {}): number {
  const first = b.firstDelayMs ?? POLL_DEFAULTS.firstDelayMs;
  const factor = b.factor ?? POLL_DEFAULTS.factor;
  const max = b.maxDelayMs ?? POLL_DEFAULTS.maxDelayMs;
  return Math.min(max, Math.round(first * factor ** attempt));
}

/**
 * Asks for the order's result until it is final, backing off between checks. Answers that say
 * "try again" (busy, rate limited, no network) count as a check; any other error ends the wait.
 */
export async function pollResult(opts: PollOptions): Promise<PollOutcome> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  opts.signal?.addEventListener('abort', stop);
  if (opts.signal?.aborted) stop();
  const { signal } = controller;
  const maxAttempts = opts.maxAttempts ?? POLL_DEFAULTS.maxAttempts;
  try {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const delay = backoffDelay(attempt, opts);
      opts.onWait?.(delay, attempt);
      await sleep(delay, signal);
      if (signal.aborted) return { status: 'aborted' };
      let result: OrderResult;
      try {
        result = await opts.fetch(signal);
      } catch (err) {
        if (signal.aborted) return { status: 'aborted' };
        const error = toApiError(err);
        if (error.code === 'CANCELED') return { status: 'aborted' };
        if (error.retryable) continue;
        throw error;
      }
      if (signal.aborted) return { status: 'aborted' };
      switch (result.status) {
        case 'success':
          return { status: 'success', orderId: result.orderId ?? '' };
        case 'sold_out':
        case 'failed':
        case 'none':
          return { status: result.status };
        case 'queued':
          break;
      }
    }
    return { status: 'gave_up' };
  } finally {
    opts.signal?.removeEventListener('abort', stop);
  }
}
