import { describe, expect, it } from 'vitest';
import { loadConsumerConfig } from './config.ts';

describe('consumer config', () => {
  it('has working defaults, reads the shared and its own variables, and names a bad one', () => {
    const c = loadConsumerConfig({});
    expect(c).toMatchObject({ batchSize: 200, paymentTimeoutMs: 900_000, prefix: '' });
    expect(c.mysql.database).toBe('seckill');
    expect(loadConsumerConfig({ CONSUMER_BATCH_SIZE: '50', MYSQL_DATABASE: 'x' })).toMatchObject({
      batchSize: 50,
      mysql: { database: 'x' },
    });
    expect(loadConsumerConfig({ CONSUMER_BATCH_SIZE: '' }).batchSize).toBe(200);
    expect(() => loadConsumerConfig({ CONSUMER_BATCH_SIZE: '0' })).toThrow(/CONSUMER_BATCH_SIZE/);
    expect(() => loadConsumerConfig({ PAYMENT_TIMEOUT_MS: '1.5' })).toThrow(/PAYMENT_TIMEOUT_MS/);
    expect(() => loadConsumerConfig({ MYSQL_PORT: 'x' })).toThrow(/MYSQL_PORT.*got "x"/);
  });
});
