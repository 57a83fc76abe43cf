import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { ConsumerMetrics } from '@seckill/consumer';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiMetrics } from '../src/metrics.ts';

const redis = new Redis({ lazyConnect: true });
afterAll(() => redis.disconnect());

/** A histogram's series are its name with _bucket, _sum and _count. */
const base = (name: string) => name.replace(/_(bucket|sum|count)$/, '');

describe('docs/grafana/seckill.json', () => {
  it('is valid JSON naming only registered seckill_* metrics', async () => {
    const text = readFileSync(new URL('../../docs/grafana/seckill.json', import.meta.url), 'utf8');
    const dash = JSON.parse(text) as { panels: Array<{ targets: Array<{ expr: string }> }> };
    const exprs = dash.panels.flatMap((p) => p.targets.map((t) => t.expr));
    const used = new Set(exprs.flatMap((e) => e.match(/seckill_[a-z_]+/g) ?? []).map(base));
    expect(used.size).toBeGreaterThan(8);
    const deps = { redis, prefix: 'unused:' } as never;
    const api = new ApiMetrics({ ...(deps as object), catalog: {}, stock: {} } as never);
    const consumer = new ConsumerMetrics({
      ...(deps as object),
      db: {},
      depth: async () => ({ ready: 0, deadLetters: 0 }),
    } as never);
    const registered = new Set(
      [...api.registry.getMetricsAsArray(), ...consumer.registry.getMetricsAsArray()]
        .map((m) => (m as unknown as { name: string }).name)
        .filter((n) => n.startsWith('seckill_')),
    );
    expect([...used].filter((n) => !registered.has(n))).toEqual([]);
  });
});
