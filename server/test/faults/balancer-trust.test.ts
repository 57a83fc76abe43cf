import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frontMs, frontSetting } from '../cluster/nginx-conf.ts';
import { requestFrom, startApisBehindBalancer, type Balancer } from './balancer.ts';
import { startStack, type Proc, type Stack } from './stack.ts';

// What the front door (deploy/nginx/, as scripts/cluster.sh runs it) lets through and what it
// holds back: the client's X-Loadtest-Key and X-Forwarded-For are not believed, and slow clients
// are cut off by nginx's timeouts and its per-address limit. Each scenario is a client of its
// own (a loopback address of its own): the per-IP limits it meets are its own.
const LOGIN_PER_IP = 3;

let stack: Stack;
let apis: Proc[] = [];
let lb: Balancer;
beforeAll(async () => {
  stack = await startStack();
  ({ apis, lb } = await startApisBehindBalancer(stack, 2, {
    LIMIT_LOGIN_PER_IP: String(LOGIN_PER_IP),
  }));
});
afterAll(async () => {
  await lb?.stop();
  await stack?.stop();
});

const api = () => (apis[0] as Proc).port;

/** A new shopper, and its login (correct password) from a chosen address to a chosen port. */
async function someShopper() {
  const [user] = await stack.createUsers(1);
  const [[row]] = await stack.db.query<any[]>('SELECT username FROM users WHERE id = ?', [
    user?.id,
  ]);
  const username = String(row.username);
  return {
    login: async (from: string, port: number, headers: Record<string, string> = {}) =>
      (
        await requestFrom(from, port, 'POST', '/api/auth/login', {
          body: { username, password: 'password123' },
          headers,
        })
      ).status,
  };
}

/** `n` calls in turn (never at once: the statuses are in the order they were counted). */
async function inTurn(n: number, call: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await call(i));
  return out;
}
const limited = [...Array<number>(LOGIN_PER_IP).fill(200), 429];

describe('the front door drops X-Loadtest-Key', () => {
  it('through nginx the key skips neither the captcha nor the per-IP limits; on an instance it does', async () => {
    const key = stack.env.SECKILL_LOADTEST_KEY ?? '';
    expect(key).not.toBe('');
    const goodsId = await stack.createSale(10);
    const [direct, through] = await stack.createUsers(2);
    const askPath = (port: number, token: string) =>
      requestFrom('127.0.0.1', port, 'POST', `/api/seckill/${goodsId}/path`, {
        headers: { authorization: `Bearer ${token}`, 'x-loadtest-key': key },
      });

    // On an instance's own port the key is honoured: a path without a captcha answer.
    const onInstance = await askPath(api(), direct?.token ?? '');
    expect(onInstance.status).toBe(200);
    expect(typeof onInstance.body.path).toBe('string');
    // The same request through nginx: the captcha answer is demanded.
    const viaFront = await askPath(lb.port, through?.token ?? '');
    expect(viaFront.status).toBe(422);
    expect(viaFront.body.path).toBeUndefined();

    // Per-IP limits: the key lifts them on an instance, not through nginx.
    const shopper = await someShopper();
    const withKey = { 'x-loadtest-key': key };
    expect(
      await inTurn(LOGIN_PER_IP + 1, () => shopper.login('127.0.0.1', api(), withKey)),
    ).toEqual(Array<number>(LOGIN_PER_IP + 1).fill(200));
    expect(
      await inTurn(LOGIN_PER_IP + 1, () => shopper.login('127.0.0.40', lb.port, withKey)),
    ).toEqual(limited);
  });
});

describe('X-Forwarded-For is believed from nginx alone', () => {
  it('through nginx a client is its socket address, whatever it sends', async () => {
    const shopper = await someShopper();
    // One client sending a new address each time shares one budget...
    expect(
      await inTurn(LOGIN_PER_IP + 1, (i) =>
        shopper.login('127.0.0.41', lb.port, { 'x-forwarded-for': `10.9.0.${i}` }),
      ),
    ).toEqual(limited);
    // ...and another, claiming to be the first, has its own: nginx sent what it saw.
    expect(await shopper.login('127.0.0.42', lb.port, { 'x-forwarded-for': '127.0.0.41' })).toBe(
      200,
    );
  });

  it('on an instance, the header counts from nginx’s address only', async () => {
    const shopper = await someShopper();
    // A sender that is not the balancer (127.0.0.43) cannot choose its address.
    expect(
      await inTurn(LOGIN_PER_IP + 1, (i) =>
        shopper.login('127.0.0.43', api(), { 'x-forwarded-for': `10.9.1.${i}` }),
      ),
    ).toEqual(limited);
    // From nginx's address (127.0.0.1) the header is the client: 10.9.2.1 is limited, 10.9.2.2 not.
    expect(
      await inTurn(LOGIN_PER_IP + 1, () =>
        shopper.login('127.0.0.1', api(), { 'x-forwarded-for': '10.9.2.1' }),
      ),
    ).toEqual(limited);
    expect(await shopper.login('127.0.0.1', api(), { 'x-forwarded-for': '10.9.2.2' })).toBe(200);
  });
});

/** A raw connection to nginx from `localAddress`, and what it received until nginx closed it. */
function rawClient(localAddress: string, onData?: (all: string, s: net.Socket) => void) {
  const connectedAt = Date.now();
  const socket = net.connect({ host: '127.0.0.1', port: lb.port, localAddress });
  let received = '';
  socket.on('data', (d: Buffer) => {
    received += d.toString();
    onData?.(received, socket);
  });
  // nginx resets a timed-out connection (reset_timedout_connection): an error, then the close.
  socket.on('error', () => {});
  const closed = new Promise<{ received: string; closedAt: number }>((resolve) =>
    socket.on('close', () => resolve({ received, closedAt: Date.now() })),
  );
  return { socket, connectedAt, closed };
}

describe('slow clients through nginx', () => {
  it('a slowloris (200 headers that never end) is cut off by client_header_timeout; others are served meanwhile', async () => {
    const SLOW = 200;
    const headerMs = frontMs('client_header_timeout');
    const clients = Array.from({ length: SLOW }, (_, n) => {
      const c = rawClient('127.0.0.50');
      // One more header line every second: the timeout is for the whole header, not per line.
      let line = 0;
      c.socket.on('connect', () => c.socket.write('GET /api/slowloris HTTP/1.1\r\nHost: shop\r\n'));
      const drip = setInterval(() => {
        if (c.socket.writable) c.socket.write(`X-Slow-${n}-${line++}: 1\r\n`);
      }, 1000);
      void c.closed.then(() => clearInterval(drip));
      return c;
    });

    // A shopper from the same address and one from another are served while those hang: a
    // header that has not ended is not counted by limit_conn.
    expect((await requestFrom('127.0.0.50', lb.port, 'GET', '/healthz')).status).toBe(200);
    expect((await requestFrom('127.0.0.51', lb.port, 'GET', '/healthz')).status).toBe(200);

    // Every one of them is closed by nginx, with no answer, not before the timeout.
    const ends = await Promise.all(clients.map((c) => c.closed));
    expect(ends.filter((e) => e.received !== '')).toEqual([]);
    const early = ends.filter(
      (e, i) => e.closedAt - (clients[i]?.connectedAt ?? 0) < headerMs - 1000,
    );
    expect(early).toEqual([]);
    const logged = (await lb.log()).filter((l) => l.uri === '/api/slowloris');
    expect(logged.map((l) => l.status)).toEqual(Array<number>(SLOW).fill(408));
  }, 120_000);

  it('one address holds at most limit_conn requests (429 beyond); slow bodies are cut off by client_body_timeout', async () => {
    const perClient = Number(frontSetting('limit_conn per_client'));
    const bodyMs = frontMs('client_body_timeout');
    expect(frontSetting('limit_conn_status')).toBe('429');
    // Each request is counted once nginx has read its header: the "100 Continue" it sends
    // before reading the body says so. Then one byte of the body, and nothing more.
    const counted: Array<Promise<number>> = [];
    const clients = Array.from({ length: perClient }, () => {
      let isCounted = (_at: number) => {};
      counted.push(new Promise<number>((r) => (isCounted = r)));
      const c = rawClient('127.0.0.60', (all, socket) => {
        if (all === 'HTTP/1.1 100 Continue\r\n\r\n') {
          isCounted(Date.now());
          socket.write('{');
        }
      });
      c.socket.on('connect', () =>
        c.socket.write(
          'POST /api/slow-body HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\n' +
            'Content-Length: 64\r\nExpect: 100-continue\r\n\r\n',
        ),
      );
      return c;
    });
    const countedAt = await Promise.all(counted);

    // The address is at its limit: one more request is refused, in the API's words.
    const refused = await requestFrom('127.0.0.60', lb.port, 'GET', '/healthz');
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(refused.headers['retry-after']).toBe('1');
    // Another address is not.
    expect((await requestFrom('127.0.0.61', lb.port, 'GET', '/healthz')).status).toBe(200);

    // The slow bodies end at the body timeout, with no answer; the address is served again.
    const ends = await Promise.all(clients.map((c) => c.closed));
    expect(ends.filter((e) => e.received !== 'HTTP/1.1 100 Continue\r\n\r\n')).toEqual([]);
    const early = ends.filter((e, i) => e.closedAt - (countedAt[i] ?? 0) < bodyMs - 1000);
    expect(early).toEqual([]);
    const logged = (await lb.log()).filter((l) => l.uri === '/api/slow-body');
    expect(logged.map((l) => l.status)).toEqual(Array<number>(perClient).fill(408));
    expect((await requestFrom('127.0.0.60', lb.port, 'GET', '/healthz')).status).toBe(200);
  }, 120_000);
});
