import { createHttpServer } from './app.ts';
import { loadConfig } from './config.ts';
import { INSTANCE_ID } from './routes/health.ts';
import { createServices } from './services.ts';

async function main() {
  const config = loadConfig();
  const s = await createServices(config);
  if (!(await s.publisher.waitReady(10_000)))
    s.log.warn('RabbitMQ not reachable yet; orders answer 503 until it is');
  const warmed = await s.reconciler.loadAll();
  s.log.info({ sales: warmed }, 'sales loaded into Redis');
  s.reconciler.start(config.reconcileIntervalMs);
  // A deep accept queue: a burst of new connections at the opening second is not dropped.
  const server = createHttpServer(s).listen(
    { port: config.port, host: config.host, backlog: 4096 },
    // The log line carries the host and pid beside the opaque id that /healthz shows.
    () => s.log.info({ instance: INSTANCE_ID }, `API listening on http://localhost:${config.port}`),
  );
  server.keepAliveTimeout = 65_000;

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // A balancer stops sending at once: /readyz answers 503 from now on.
    s.draining = true;
    s.log.info({ signal }, 'shutting down: finishing requests in flight');
    // Event streams never finish on their own: end them, and browsers reconnect elsewhere.
    s.push.close();
    server.close(() => {
      void s.close().then(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => {
      s.log.error('requests still open after 10 s; closing them and exiting with an error');
      server.closeAllConnections();
      process.exit(1);
    }, 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
