/** MySQL and network errors that pass: wait and try again, however long it takes. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
  'ER_CLIENT_INTERACTION_TIMEOUT',
  'ER_NET_READ_ERROR',
  'ER_NET_WRITE_INTERRUPTED',
]);

/** Redis replies that pass: out of memory (noeviction), loading, a replica, a moving slot. */
const REDIS_TRANSIENT = /^(OOM|LOADING|READONLY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|BUSY) /;

/** Errors that no retry will fix: the message goes to the dead-letter queue. */
const PERMANENT_CODES = new Set([
  'ER_NO_REFERENCED_ROW',
  'ER_NO_REFERENCED_ROW_2',
  'ER_DATA_TOO_LONG',
  'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_TRUNCATED_WRONG_VALUE',
  'ER_BAD_NULL_ERROR',
  'ER_CHECK_CONSTRAINT_VIOLATED',
  'ER_CONSTRAINT_FAILED',
]);

export type ErrorKind = 'transient' | 'permanent' | 'unknown';

export function classify(err: unknown): ErrorKind {
  const e = err as { code?: unknown; fatal?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (TRANSIENT_CODES.has(code) || e?.fatal === true) return 'transient';
  // Redis at its memory ceiling, loading, failing over or resharding: it passes.
  if (typeof e?.message === 'string' && REDIS_TRANSIENT.test(e.message)) return 'transient';
  if (PERMANENT_CODES.has(code)) return 'permanent';
  if (
    typeof e?.message === 'string' &&
    /Pool is closed|connect|Connection is closed|timeout/i.test(e.message)
  ) {
    return 'transient';
  }
  return 'unknown';
}

export class PermanentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentFailure';
  }
}

export function backoffMs(attempt: number): number {
  const base = Math.min(5000, 100 * 2 ** Math.min(attempt, 6));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
