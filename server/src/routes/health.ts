import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Services } from '../services.ts';

/**
 * Names this process, so an operator (or a test) behind a load balancer sees which instance
 * answered: random bytes drawn at start, unique per process (two containers both run as pid 1, a
 * restarted process may get an old pid back) and telling an outsider nothing of the host or pid.
 */
export const INSTANCE_ID = randomBytes(6).toString('hex');

function within<T>(ms: number, p: Promise<T>): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms)),
  ]);
}

export function healthRoutes(s: Services): Router {
  const r = new Router();
  r.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok', instance: INSTANCE_ID };
  });
  r.get('/readyz', async (ctx) => {
    if (s.draining) {
      ctx.status = 503;
      ctx.body = { code: 'RETRY', message: 'This instance is shutting down.', draining: true };
      return;
    }
    const [mysql, redis, rabbitmq] = await Promise.all([
      within(1000, s.db.query('SELECT 1')).then(
        () => true,
        () => false,
      ),
      within(1000, s.redis.ping()).then(
        () => true,
        () => false,
      ),
      Promise.resolve(s.publisher.ready),
    ]);
    const ready = mysql && redis && rabbitmq;
    ctx.status = ready ? 200 : 503;
    ctx.body = ready
      ? { status: 'ready', mysql, redis, rabbitmq }
      : { code: 'RETRY', message: 'A dependency is not answering.', mysql, redis, rabbitmq };
  });
  return r;
}
