import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { portOpen } from '@seckill/test-stack';

const run = promisify(execFile);

/** The commands that started each service on this machine; a test that stops one starts it so. */
export const SERVICES = {
  mariadb: {
    port: 3306,
    stop: ['mariadb-admin', ['-h127.0.0.1', '-uroot', 'shutdown']],
    start: [
      'start-stop-daemon',
      ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd'],
    ],
  },
  rabbitmq: {
    port: 5672,
    stop: ['rabbitmqctl', ['stop']],
    start: ['rabbitmq-server', ['-detached']],
  },
} as const;
export type ServiceName = keyof typeof SERVICES;

export { portOpen };

async function waitPort(port: number, open: boolean, ms: number) {
  const until = Date.now() + ms;
  while ((await portOpen(port)) !== open) {
    if (Date.now() > until)
      throw new Error(`port ${port} did not ${open ? 'open' : 'close'} in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function stopService(name: ServiceName) {
  const s = SERVICES[name];
  await run(s.stop[0], [...s.stop[1]]);
  await waitPort(s.port, false, 60_000);
}

/** Starts the service if it is not answering, and waits until it does. */
export async function ensureService(name: ServiceName) {
  const s = SERVICES[name];
  if (await portOpen(s.port)) return;
  await run(s.start[0], [...s.start[1]]);
  await waitPort(s.port, true, 120_000);
  if (name === 'rabbitmq') await run('rabbitmqctl', ['await_startup']);
}
