import { AxiosError, AxiosHeaders, type AxiosResponse } from 'axios';
import { describe, expect, it } from 'vitest';
import { ApiError, toApiError } from './errors';

function answer(status: number, data: unknown): AxiosError {
  const config = { headers: new AxiosHeaders() };
  const response = { status, data, statusText: '', headers: {}, config } as AxiosResponse;
  return new AxiosError('failed', 'ERR_BAD_REQUEST', config, {}, response);
}

describe('toApiError', () => {
  it('keeps the code, message and fields the API sent', () => {
    const e = toApiError(
      answer(422, { code: 'VALIDATION', message: 'bad', fields: { price: 'too big' } }),
    );
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ code: 'VALIDATION', message: 'bad', status: 422 });
    expect(e.fields).toEqual({ price: 'too big' });
    expect(e.retryable).toBe(false);
  });

  it('knows which codes are worth retrying and which end the session', () => {
    expect(toApiError(answer(429, { code: 'RATE_LIMITED', message: 'slow' })).retryable).toBe(true);
    expect(toApiError(answer(401, { code: 'TOKEN_INVALID', message: 'x' })).sessionExpired).toBe(
      true,
    );
    // A wrong password is a 401 too, but must not end in a redirect to the login page.
    expect(toApiError(answer(401, { code: 'BAD_CREDENTIALS', message: 'x' })).sessionExpired).toBe(
      false,
    );
  });

  it('falls back on the status when the body is not ours', () => {
    expect(toApiError(answer(502, '<html>Bad gateway</html>'))).toMatchObject({ code: 'RETRY' });
    expect(toApiError(answer(418, { code: 'TEAPOT' }))).toMatchObject({ code: 'UNKNOWN' });
  });

  it('calls a request without an answer a network problem', () => {
    const e = toApiError(new AxiosError('Network Error', 'ERR_NETWORK'));
    expect(e).toMatchObject({ code: 'NETWORK', status: 0 });
    expect(e.retryable).toBe(true);
    expect(toApiError(new AxiosError('timeout', 'ECONNABORTED')).code).toBe('TIMEOUT');
  });
});
