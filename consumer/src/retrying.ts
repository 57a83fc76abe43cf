import type { Logger } from 'pino';
import { backoffMs, classify, PermanentFailure } from './errors.ts';

/** Runs `fn` (named `what` in the log) until it succeeds or fails for good. */
export type Retrying = <T>(what: string, fn: () => Promise<T>) => Promise<T>;

export interface RetryPolicy {
  log: Logger;
  /** Attempts for an error that is neither known transient nor known permanent. */
  maxUnknownAttempts: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The consumer's one retry policy for MySQL and Redis calls, shared by the order path and the
 * expirer. Transient errors (MySQL or Redis away, errors.ts) are retried for as long as it takes,
 * since the message is safe in the queue meanwhile; unknown ones a few times, then they are thrown
 * like permanent ones, which are thrown at once: the caller dead-letters or requeues.
 */
export function retrying(policy: RetryPolicy): Retrying {
  return async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await fn();
      } catch (err) {
        const kind = err instanceof PermanentFailure ? 'permanent' : classify(err);
        if (
          kind === 'permanent' ||
          (kind === 'unknown' && attempt + 1 >= policy.maxUnknownAttempts)
        )
          throw err;
        const wait = backoffMs(attempt);
        policy.log.warn({ err: (err as Error).message, what, attempt, wait }, 'retrying');
        await sleep(wait);
      }
    }
  };
}
