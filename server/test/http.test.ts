import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ consumer: false });
});
afterAll(() => h?.close());

describe('the HTTP edge', () => {
  it('answers health and readiness, naming the instance without its host or pid', async () => {
    const health = await h.request('GET', '/healthz');
    expect(health.body).toEqual({
      status: 'ok',
      instance: expect.stringMatching(/^[0-9a-f]{12}$/),
    });
    // Random bytes: neither the host name nor the pid (set apart, as it was) is in it.
    expect(health.body.instance).not.toContain(hostname());
    expect(health.body.instance).not.toMatch(
      new RegExp(`(^|[^0-9a-f])${process.pid}([^0-9a-f]|$)`),
    );
    const ready = await h.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ mysql: true, redis: true, rabbitmq: true });
  });

  it('answers unknown routes and wrong methods with JSON errors', async () => {
    const missing = await h.request('GET', '/api/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
    const wrong = await h.request('DELETE', '/api/goods');
    expect(wrong.status).toBe(405);
    expect(wrong.body.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('refuses broken JSON, other content types and huge bodies', async () => {
    const broken = await h.request('POST', '/api/auth/login', {
      raw: '{"username":',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(422);
    expect(broken.body.code).toBe('INVALID_JSON');
    const form = await h.request('POST', '/api/auth/login', {
      raw: 'username=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expect(form.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const huge = await h.request('POST', '/api/auth/login', {
      body: { username: 'a'.repeat(100_000), password: 'x' },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('lists sales with their status and the server time', async () => {
    const open = await h.createSale({ stock: 3 });
    const later = await h.createSale({ startAt: new Date(Date.now() + 600_000).toISOString() });
    const over = await h.createSale({
      startAt: new Date(Date.now() - 7200_000).toISOString(),
      endAt: new Date(Date.now() - 3600_000).toISOString(),
    });
    const list = await h.request('GET', '/api/goods');
    expect(list.status).toBe(200);
    expect(Math.abs(Date.parse(list.body.serverTime) - Date.now())).toBeLessThan(5000);
    const byId = new Map(list.body.items.map((s: { id: number }) => [s.id, s]));
    expect(byId.get(open.id)).toMatchObject({
      status: 'active',
      stock: 3,
      stockLeft: 3,
      price: 10000,
      seckillPrice: 5000,
    });
    expect(byId.get(later.id)).toMatchObject({ status: 'upcoming' });
    expect(byId.get(over.id)).toMatchObject({ status: 'ended' });

    const one = await h.request('GET', `/api/goods/${open.id}`);
    expect(one.body.item).toMatchObject({ id: open.id, name: open.name, imageUrl: '' });
    expect(typeof one.body.serverTime).toBe('string');
    expect((await h.request('GET', '/api/goods/999999')).body.code).toBe('NOT_FOUND');
    for (const bad of ['abc', '-1', '0', '1.5', '99999999999999999999']) {
      const r = await h.request('GET', `/api/goods/${bad}`);
      expect(r.status, bad).toBe(422);
      expect(r.body.code).toBe('VALIDATION');
    }
  });
});
