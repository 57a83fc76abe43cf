import { BROWSER_JSON_HEADERS, saleCalls } from '@seckill/contracts';
import type { InternalAxiosRequestConfig } from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import { http } from './client';
import { fetchResult, placeOrder, requestPath } from './seckill';

/** What the client really sends, after its interceptors and axios' own transforms. */
const sent: InternalAxiosRequestConfig[] = [];
const adapter = http.defaults.adapter;
afterEach(() => {
  http.defaults.adapter = adapter;
  sent.length = 0;
});

function capture(data: unknown) {
  http.defaults.adapter = async (config) => {
    sent.push(config);
    return { data, status: 200, statusText: 'OK', headers: {}, config };
  };
}

const shape = (c: InternalAxiosRequestConfig) => ({
  method: c.method?.toUpperCase(),
  url: `${c.baseURL}${c.url}`,
  body: c.data,
  accept: c.headers.get('Accept'),
  contentType: c.headers.get('Content-Type') ?? undefined,
});

describe('the sale requests the shop sends', () => {
  it('are the declared calls, byte for byte (the bench sends the same)', async () => {
    capture({ path: 'p'.repeat(32) });
    await requestPath(7, 'ab12');
    capture({ status: 'queued' });
    await placeOrder(7, 'p'.repeat(32));
    capture({ status: 'none' });
    await fetchResult(7);
    const declared = [
      saleCalls.path(7, 'ab12'),
      saleCalls.order(7, 'p'.repeat(32)),
      saleCalls.result(7),
    ];
    expect(sent.map(shape)).toEqual(
      declared.map((call) => ({
        method: call.method,
        url: `/api${call.url}`,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        accept: BROWSER_JSON_HEADERS.accept,
        contentType: call.body === undefined ? undefined : BROWSER_JSON_HEADERS['content-type'],
      })),
    );
    // The order posts `{}`: the edge reads it as the browser sends it.
    expect(sent[1]?.data).toBe('{}');
  });
});
