import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// docker-compose.yml and scripts/cluster.sh describe one deployment: the same number of API
// instances and consumers, the same nginx front (deploy/nginx/seckill.conf), nginx the only
// published port and the only sender whose X-Forwarded-For is believed, a Redis that never
// evicts. This reads the files as text: compose itself is validated by `docker-compose config`
// in scripts/test.sh, nginx's files by nginx.test.ts, their behaviour by the balancer scenarios
// (server/test/faults/balancer-*.test.ts).
const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
const compose = read('docker-compose.yml');
const cluster = read('scripts/cluster.sh');
const composeNginx = read('deploy/nginx/compose.conf');
const clusterNginx = read('deploy/nginx/cluster.conf.template');
const front = read('deploy/nginx/seckill.conf');

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

  it('publishes nginx alone, and the instances believe X-Forwarded-For from nginx alone', () => {
    // The one `ports:` of the file is nginx's (an instance's would be in its x-api anchor).
    const published = [...s].filter(([, block]) => /^\s+ports:/m.test(block)).map(([n]) => n);
    expect(published).toEqual(['nginx']);
    expect(compose.match(/^\s+ports:/gm)).toHaveLength(1);

    // compose: nginx has a fixed address in the internal network's subnet; TRUST_PROXY is it.
    const address = /^x-nginx-address: &nginx-address (\S+)$/m.exec(compose)?.[1] ?? '';
    expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(s.get('nginx')).toMatch(/^\s+internal: \{ ipv4_address: \*nginx-address \}$/m);
    const subnet = /^\s+config: \[\{ subnet: (\S+) \}\]$/m.exec(compose)?.[1] ?? '';
    expect(inSubnet(address, subnet)).toBe(true);
    expect([...compose.matchAll(/^\s+TRUST_PROXY: (.*)$/gm)].map((m) => m[1])).toEqual([
      '*nginx-address',
    ]);

    // cluster.sh: the instances listen on loopback, where nginx reaches them from 127.0.0.1.
    expect(cluster).toMatch(
      /spawn "\$name" server PORT="\$port" HOST=127\.0\.0\.1 TRUST_PROXY=127\.0\.0\.1 /,
    );
    expect(cluster).toMatch(/servers\+=" +server 127\.0\.0\.1:/);
  });

  it('bounds Redis, and never lets it evict', () => {
    const redis = s.get('redis') ?? '';
    expect(redis).toMatch(/--maxmemory "\$\$REDIS_MAXMEMORY" --maxmemory-policy noeviction/);
    expect(redis).toMatch(/REDIS_MAXMEMORY: \$\{REDIS_MAXMEMORY:-\d+[kmg]b\}/);
    expect(read('scripts/lib.sh')).toMatch(
      /--maxmemory "\$\{REDIS_MAXMEMORY:-\d+[kmg]b\}" --maxmemory-policy noeviction/,
    );
  });

  it('never forwards /metrics', () => {
    expect(front).toMatch(/location = \/metrics \{\s+default_type application\/json;\s+return 404/);
    expect(front).not.toMatch(/location \/ \{[^}]*proxy_pass/);
  });
});

describe('the nginx front trusts nothing from the client', () => {
  // The locations of seckill.conf that proxy to the instances (none of them nests a block).
  const proxied = [...front.matchAll(/^location ([^{]+)\{([^}]*)\}/gm)].filter(([, , body]) =>
    body?.includes('proxy_pass'),
  );

  it('clears X-Loadtest-Key and overwrites X-Forwarded-For in every location that proxies', () => {
    expect(proxied.map(([, where]) => where?.trim())).toEqual([
      '/api/',
      '= /api/events',
      '~ ^/(healthz|readyz)$',
    ]);
    expect(proxied).toHaveLength(front.match(/proxy_pass /g)?.length ?? 0);
    for (const [, where, body] of proxied) {
      expect(body, where).toContain('proxy_set_header X-Loadtest-Key "";');
      expect(body, where).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
      // A location's error_page replaces the server's: limit_conn's 429 is answered in each.
      expect(body, where).toContain('error_page 429 = @limited;');
    }
  });

  it('times out slow clients and limits connections per address', () => {
    for (const directive of [
      /^client_header_timeout \d+s;$/m,
      /^client_body_timeout \d+s;$/m,
      /^send_timeout \d+s;$/m,
      /^keepalive_timeout \d+s;$/m,
      /^reset_timedout_connection on;$/m,
      /^limit_conn per_client \d+;$/m,
      /^limit_conn_status 429;$/m,
      /^error_page 429 = @limited;$/m,
    ])
      expect(front).toMatch(directive);
    // The zone is declared once in each http { } that includes seckill.conf.
    const zone = /^\s*limit_conn_zone \$binary_remote_addr zone=per_client:\d+m;$/m;
    expect(clusterNginx).toMatch(zone);
    expect(composeNginx).toMatch(zone);
  });
});

/** Whether an IPv4 address is in a CIDR range. */
function inSubnet(address: string, cidr: string): boolean {
  const toInt = (ip: string) => ip.split('.').reduce((n, b) => n * 256 + Number(b), 0);
  const [base = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toInt(address) / size) === Math.floor(toInt(base) / size);
}
