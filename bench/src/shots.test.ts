import { BROWSER_JSON_HEADERS, saleCalls } from '@seckill/contracts';
import { describe, expect, it } from 'vitest';
import { orderShot, pathShot, resultShot } from './shots.ts';

// The web client's test (web/src/api/seckill.test.ts) checks that the browser sends saleCalls;
// this one that the bench sends them too, with the browser's JSON headers: they cannot drift.
describe("the bench's requests", () => {
  it('are the shop’s declared calls with the headers the browser adds', () => {
    const path = 'p'.repeat(32);
    expect(orderShot('order', 9, path, 't')).toEqual({
      kind: 'order',
      method: 'POST',
      path: `/api${saleCalls.order(9, path).url}`,
      token: 't',
      body: '{}',
      headers: { ...BROWSER_JSON_HEADERS },
    });
    expect(pathShot(9, 't')).toMatchObject({
      method: 'POST',
      path: '/api/seckill/9/path',
      body: JSON.stringify(saleCalls.path(9, 'ab12').body),
      headers: BROWSER_JSON_HEADERS,
    });
    expect(resultShot(9, 't')).toEqual({
      kind: 'result',
      method: 'GET',
      path: '/api/seckill/9/result',
      token: 't',
      headers: { accept: BROWSER_JSON_HEADERS.accept },
    });
  });
});
