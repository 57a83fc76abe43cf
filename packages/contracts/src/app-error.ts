import { ERRORS, type ErrorCode } from './errors.ts';

/**
 * A domain error: one stable code from ERRORS. The domain throws it; only the API's error
 * middleware turns it into a status and `{ code, message }`.
 */
export class AppError extends Error {
  readonly status: number;
  /** Seconds the client should wait before trying again (Retry-After), when it is known. */
  readonly retryAfterS?: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly fields?: Record<string, string>,
    opts: { retryAfterS?: number } = {},
  ) {
    // It becomes JSON, never a stack trace: capturing one cost more than the rest of a refused order.
    const E = Error as { stackTraceLimit?: number };
    const limit = E.stackTraceLimit;
    E.stackTraceLimit = 0;
    super(message ?? ERRORS[code].message);
    E.stackTraceLimit = limit;
    this.name = 'AppError';
    this.status = ERRORS[code].status;
    if (opts.retryAfterS !== undefined) this.retryAfterS = opts.retryAfterS;
  }
}
