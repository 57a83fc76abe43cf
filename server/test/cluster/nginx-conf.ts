import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@seckill/test-stack';

/** Debian's nginx, as scripts/cluster.sh runs it. */
export const NGINX = '/usr/sbin/nginx';
export const SECKILL_CONF = join(REPO_ROOT, 'deploy/nginx/seckill.conf');
const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

/**
 * deploy/nginx/cluster.conf.template filled in as scripts/cluster.sh fills it, for a run folder
 * `dir` (nginx -p DIR/), in front of API instances on loopback.
 */
export function renderClusterConf(o: {
  dir: string;
  listen: string;
  apiPorts: number[];
  accessLog: string;
  workers?: string;
  webRoot: string;
}): string {
  const servers = o.apiPorts
    .map((p) => `        server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`)
    .join('\n');
  return read('deploy/nginx/cluster.conf.template')
    .replace('@PID@', join(o.dir, 'nginx.pid'))
    .replace('@WORKERS@', o.workers ?? '2')
    .replace('@ACCESS_LOG@', o.accessLog)
    .replace('@SERVERS@', servers)
    .replace('@LISTEN@', o.listen)
    .replace('@WEB_ROOT@', o.webRoot)
    .replace('@SECKILL_CONF@', SECKILL_CONF);
}

/**
 * deploy/nginx/compose.conf as the image's nginx.conf wraps it (inside `http { }`), for the older
 * nginx here: its upstreams point at loopback instead of containers' names, without `resolve`
 * (nginx 1.27.3+), and seckill.conf is read from the repository.
 */
export function composeConfForLocalNginx(dir: string): string {
  const conf = read('deploy/nginx/compose.conf')
    .replace(/^resolver .*$/m, '')
    .replace(
      /server api-(\d+):8080 resolve/g,
      (_, n: string) => `server 127.0.0.1:${8080 + Number(n)}`,
    )
    .replace('include /etc/nginx/seckill.conf;', `include ${SECKILL_CONF};`)
    .replace('listen 8080', 'listen 127.0.0.1:8080');
  return [
    `pid ${join(dir, 'nginx.pid')};`,
    'error_log error.log warn;',
    'events { worker_connections 1024; }',
    'http {',
    '    include /etc/nginx/mime.types;',
    '    client_body_temp_path tmp/body;',
    '    proxy_temp_path tmp/proxy;',
    conf,
    '}',
  ].join('\n');
}

/** `nginx -t` on a configuration in `dir`: nginx's complaint, or '' when it accepts it. */
export function nginxRefusal(dir: string, file: string): string {
  const r = spawnSync(NGINX, ['-q', '-t', '-p', `${dir}/`, '-c', join(dir, file)], {
    encoding: 'utf8',
  });
  // Not being root (setrlimit) is not the configuration's fault.
  const out = `${r.stdout}${r.stderr}`
    .split('\n')
    .filter((l) => l && !/setrlimit|could not open error log/.test(l))
    .join('\n');
  return r.status === 0 ? '' : out || `nginx -t exited with ${r.status}`;
}

/** A directive's argument in seckill.conf, e.g. `client_header_timeout` → `10s`. */
export function frontSetting(name: string): string {
  const m = new RegExp(`^${name} ([^;]+);`, 'm').exec(read('deploy/nginx/seckill.conf'));
  if (!m?.[1]) throw new Error(`deploy/nginx/seckill.conf sets no ${name}`);
  return m[1];
}

/** A duration of seckill.conf (`10s`, `500ms`, `1m`) in milliseconds. */
export function frontMs(name: string): number {
  const m = /^(\d+)(ms|s|m)$/.exec(frontSetting(name));
  if (!m) throw new Error(`${name} is not a simple duration: ${frontSetting(name)}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] as 'ms' | 's' | 'm'];
}
