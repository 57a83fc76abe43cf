import { ERRORS, isErrorCode, type ErrorCode } from '@seckill/contracts';
import { isAxiosError, isCancel } from 'axios';

/** Codes the browser adds to the API's own: the request never got an answer we could read. */
export type ClientErrorCode = 'NETWORK' | 'TIMEOUT' | 'CANCELED' | 'UNKNOWN';
export type AnyErrorCode = ErrorCode | ClientErrorCode;

/** Codes worth simply trying again: nothing about the request itself was wrong. */
const RETRYABLE = new Set<AnyErrorCode>(['RETRY', 'RATE_LIMITED', 'NETWORK', 'TIMEOUT', 'UNKNOWN']);

/** Every failed API call becomes one of these: a stable code, the server's message, field problems. */
export class ApiError extends Error {
  constructor(
    readonly code: AnyErrorCode,
    message: string,
    readonly status: number,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }

  /** The session is gone: drop the token and log in again. */
  get sessionExpired(): boolean {
    return this.status === 401 && (this.code === 'TOKEN_INVALID' || this.code === 'UNAUTHORIZED');
  }
}

interface MaybeErrorBody {
  code?: unknown;
  message?: unknown;
  fields?: unknown;
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isCancel(err)) return new ApiError('CANCELED', 'The request was canceled.', 0);
  if (isAxiosError(err)) {
    const res = err.response;
    if (!res) {
      return err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT'
        ? new ApiError('TIMEOUT', 'The server took too long to answer.', 0)
        : new ApiError('NETWORK', 'The server could not be reached.', 0);
    }
    const body = (
      typeof res.data === 'object' && res.data !== null ? res.data : {}
    ) as MaybeErrorBody;
    const code: AnyErrorCode = isErrorCode(body.code) ? body.code : codeForStatus(res.status);
    const message =
      typeof body.message === 'string' && body.message
        ? body.message
        : code === 'UNKNOWN'
          ? `Unexpected answer (HTTP ${res.status}).`
          : ERRORS[code as ErrorCode].message;
    const fields =
      typeof body.fields === 'object' && body.fields !== null
        ? (body.fields as Record<string, string>)
        : undefined;
    return new ApiError(code, message, res.status, fields);
  }
  return new ApiError('UNKNOWN', err instanceof Error ? err.message : String(err), 0);
}

function codeForStatus(status: number): AnyErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 502 || status === 503 || status === 504) return 'RETRY';
  return 'UNKNOWN';
}
