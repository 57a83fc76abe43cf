import pino from 'pino';
import { loadConsumerConfig } from './config.ts';
import { runConsumer } from './run.ts';

const log = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { proc: 'consumer' } });

async function main() {
  const running = await runConsumer(loadConsumerConfig(), log);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: finishing in-flight orders');
    setTimeout(() => {
      log.error(
        'in-flight work did not finish in 30 s; exiting (unacked messages will be redelivered)',
      );
      process.exit(1);
    }, 30_000).unref();
    void running.stop().then(() => {
      log.info(running.consumer.counters, 'stopped cleanly');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  log.error({ err }, 'consumer failed to start');
  process.exit(1);
});
