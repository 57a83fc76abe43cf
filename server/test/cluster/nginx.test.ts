import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { composeConfForLocalNginx, NGINX, nginxRefusal, renderClusterConf } from './nginx-conf.ts';

// nginx accepts both fronts as they are rendered: `nginx -t` (scripts/test.sh installs Debian's
// nginx before this suite runs). What they do is the balancer scenarios' to show.
const dir = mkdtempSync(join(tmpdir(), 'seckill-nginx-t-'));
mkdirSync(join(dir, 'tmp'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nginx -t', () => {
  it('is installed', () => {
    expect(existsSync(NGINX), `${NGINX} is missing: apt-get install -y nginx`).toBe(true);
  });

  it('accepts deploy/nginx/cluster.conf.template as scripts/cluster.sh renders it', () => {
    const conf = renderClusterConf({
      dir,
      listen: '127.0.0.1:18080',
      apiPorts: [18081, 18082, 18083],
      accessLog: 'access_log access.log combined buffer=64k flush=1s;',
      webRoot: join(dir, 'web'),
    });
    writeFileSync(join(dir, 'cluster.conf'), conf);
    expect(nginxRefusal(dir, 'cluster.conf')).toBe('');
  });

  it('accepts deploy/nginx/compose.conf inside an http { }, as the image includes it', () => {
    writeFileSync(join(dir, 'compose.conf'), composeConfForLocalNginx(dir));
    expect(nginxRefusal(dir, 'compose.conf')).toBe('');
  });
});
