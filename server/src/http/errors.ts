import { AppError, ERRORS, type ApiErrorBody, type ErrorCode } from '@seckill/contracts';
import type { Middleware } from 'koa';
import { HashQueueFull } from '@seckill/db';
import type { Logger } from 'pino';

export { AppError };

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'VALIDATION',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION',
  429: 'RATE_LIMITED',
  501: 'METHOD_NOT_ALLOWED',
};

/** Redis refused a write because it is at `maxmemory` (policy noeviction). */
export function isRedisOutOfMemory(err: unknown): boolean {
  const message = (err as { message?: unknown })?.message;
  return typeof message === 'string' && message.startsWith('OOM ');
}

/**
 * Any error as the API answers it, on both doors (Koa's and the sale edge): a status,
 * `{ code, message }` (never a stack trace) and the headers that go with it — Retry-After on 429
 * and 503 (the error's own wait, else 1 s), `Connection: close` after a body too large to read.
 */
export function toErrorBody(err: unknown): {
  status: number;
  body: ApiErrorBody;
  unexpected: boolean;
  headers: Record<string, string>;
} {
  const { status, body, unexpected } = classify(err);
  const headers: Record<string, string> = {};
  if (status === 429 || status === 503)
    headers['retry-after'] = String(
      err instanceof AppError && err.retryAfterS ? err.retryAfterS : 1,
    );
  if (status === 413) headers.connection = 'close';
  return { status, body, unexpected, headers };
}

function classify(err: unknown): { status: number; body: ApiErrorBody; unexpected: boolean } {
  if (err instanceof AppError) {
    const body: ApiErrorBody = { code: err.code, message: err.message };
    if (err.fields) body.fields = err.fields;
    return { status: err.status, body, unexpected: false };
  }
  // The password-hash pool is full (a crowd or a flood at the door): busy, try again shortly.
  if (err instanceof HashQueueFull)
    return {
      status: 503,
      body: { code: 'RETRY', message: 'Too many logins at once; please try again in a moment.' },
      unexpected: false,
    };
  // Redis at its memory ceiling refuses writes (noeviction): nothing was reserved, try again.
  if (isRedisOutOfMemory(err))
    return {
      status: 503,
      body: { code: 'RETRY', message: ERRORS.RETRY.message },
      unexpected: false,
    };
  const status = (err as { status?: unknown })?.status;
  const code = typeof status === 'number' ? STATUS_CODES[status] : undefined;
  if (code)
    return {
      status: ERRORS[code].status,
      body: { code, message: ERRORS[code].message },
      unexpected: false,
    };
  // Anything else is a dependency or a bug: the caller may retry; the details stay in the log.
  return { status: 503, body: { code: 'RETRY', message: ERRORS.RETRY.message }, unexpected: true };
}

/** Turns every thrown error, and every unmatched route, into a JSON error. Never a stack trace. */
export function errorMiddleware(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new AppError('NOT_FOUND');
    } catch (err) {
      const { status, body, unexpected, headers } = toErrorBody(err);
      if (unexpected) log.error({ err, method: ctx.method, url: ctx.url }, 'request failed');
      ctx.status = status;
      ctx.body = body;
      ctx.set(headers);
    }
  };
}
