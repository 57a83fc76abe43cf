import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// docker-compose.yml and scripts/cluster.sh describe one deployment: the same number of API
// instances and consumers, the same nginx front (deploy/nginx/seckill.conf), nginx the only
// published port. This reads the files as text: compose itself is validated by
// `docker-compose config` in scripts/test.sh.
const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
const compose = read('docker-compose.yml');
const cluster = read('scripts/cluster.sh');
const composeNginx = read('deploy/nginx/compose.conf');
const clusterNginx = read('deploy/nginx/cluster.conf.template');

/** The top-level services of docker-compose.yml, each with the text of its block. */
function services(): Map<string, string> {
  const body = compose.slice(compose.indexOf('\nservices:\n') + '\nservices:\n'.length);
  const end = body.search(/\n[a-z]/);
  const lines = body.slice(0, end >= 0 ? end : undefined).split('\n');
  const out = new Map<string, string>();
  let name = '';
  for (const line of lines) {
    const m = /^ {2}([a-z0-9-]+):/.exec(line);
    if (m) {
      name = m[1] ?? '';
      out.set(name, line);
    } else if (name) out.set(name, `${out.get(name)}\n${line}`);
  }
  return out;
}

const clusterDefault = (name: string) =>
  Number(new RegExp(`^${name}=\\$\\(setting ${name} (\\d+)\\)$`, 'm').exec(cluster)?.[1]);

describe('compose and cluster.sh: one topology', () => {
  const s = services();
  const apis = [...s.keys()].filter((n) => /^api-\d+$/.test(n));
  const consumers = [...s.keys()].filter((n) => /^consumer-\d+$/.test(n));

  it('runs as many API instances and consumers', () => {
    expect(apis.length).toBe(clusterDefault('API_INSTANCES'));
    expect(consumers.length).toBe(clusterDefault('CONSUMERS'));
    expect([...s.keys()].sort()).toEqual(
      [...apis, ...consumers, 'migrate', 'mysql', 'nginx', 'rabbitmq', 'redis'].sort(),
    );
  });

  it('sends nginx to every API instance, through the same front', () => {
    const upstreams = [...composeNginx.matchAll(/^\s*server (api-\d+):8080\b/gm)].map((m) => m[1]);
    expect(upstreams).toEqual(apis);
    expect(composeNginx).toContain('include /etc/nginx/seckill.conf;');
    expect(clusterNginx).toContain('include @SECKILL_CONF@;');
    expect(cluster).toContain('deploy/nginx/seckill.conf');
    expect(read('Dockerfile')).toContain('COPY deploy/nginx/seckill.conf /etc/nginx/seckill.conf');
  });

  it('runs the instances behind the proxy and publishes nginx alone', () => {
    expect(compose).toMatch(/TRUST_PROXY: '1'/);
    expect(cluster).toMatch(/TRUST_PROXY=1/);
    const published = [...s].filter(([, block]) => /^\s+ports:/m.test(block)).map(([n]) => n);
    expect(published).toEqual(['nginx']);
  });

  it('never forwards /metrics', () => {
    const front = read('deploy/nginx/seckill.conf');
    expect(front).toMatch(/location = \/metrics \{\s+default_type application\/json;\s+return 404/);
    expect(front).not.toMatch(/location \/ \{[^}]*proxy_pass/);
  });
});
