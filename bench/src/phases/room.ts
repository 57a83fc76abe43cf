import http from 'node:http';
import { selectOrderBooks } from '@seckill/db';
import { checkSaleSettled } from '@seckill/server';
import { pool } from '@seckill/test-stack';
import type { BenchUser } from '../fixtures.ts';
import { Progress } from '../progress.ts';
import { sleep, type Bench } from './context.ts';

/** How often a waiting shopper asks where they stand (the web's fallback when its stream is down). */
export const ROOM_POLL_MS = 1000;
/** How often a queued order's result is polled (as the crowd phase does). */
const RESULT_POLL_MS = 100;

/** One crowd, with the waiting room or without: how long the sale took and what it cost. */
export interface RoomCrowdStats {
  room: boolean;
  shoppers: number;
  stock: number;
  /** From the sale's start to the last accepted (202) order. */
  sellOutMs: number | null;
  /** From the sale's start to the moment the last shopper was told "sold out". */
  lastToldSoldOutMs: number | null;
  requests: number;
  requestsPerShopper: number;
  /** Requests by kind (join, queue, path, order, result). */
  byKind: Record<string, number>;
  outcomes: Record<string, number>;
  orders: number;
  duplicates: number;
  exact: boolean | null;
}

export interface RoomSummary {
  admitPerSecond: number;
  pollMs: number;
  off: RoomCrowdStats;
  on: RoomCrowdStats;
}

/** A keep-alive JSON client of its own: this phase needs shoppers that sleep between polls. */
function client(url: string, connections: number, loadtestKey: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const byKind: Record<string, number> = {};
  let total = 0;
  const call = (kind: string, method: string, path: string, token: string) =>
    new Promise<{ status: number; body: Record<string, unknown> | null }>((resolve) => {
      byKind[kind] = (byKind[kind] ?? 0) + 1;
      total += 1;
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          method,
          path,
          agent,
          headers: { authorization: `Bearer ${token}`, 'x-loadtest-key': loadtestKey },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let body: Record<string, unknown> | null;
            try {
              body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
            } catch {
              body = null;
            }
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      req.on('error', () => resolve({ status: 0, body: null }));
      req.end();
    });
  return {
    call,
    byKind,
    get total() {
      return total;
    },
    close: () => agent.destroy(),
  };
}

/**
 * The crowd journey with the waiting room and without it, on two sales of the same stock. Without
 * it every shopper asks for a path at the start, orders, and polls the result. With it they all
 * join before the start, poll their place every ROOM_POLL_MS (no event stream: an upper bound on
 * requests), and take the same path → order → result once admitted, or stop when told sold out.
 */
export async function measureRoom(b: Bench, users: BenchUser[]): Promise<RoomSummary> {
  const admitPerSecond = Number(b.stack.childEnvOf().QUEUE_ADMIT_PER_SECOND ?? 200);
  const off = await crowd(b, users, false);
  b.log(
    `room off: sold out ${off.sellOutMs} ms after the start, last told ${off.lastToldSoldOutMs} ms, ${off.requestsPerShopper} requests per shopper`,
  );
  const on = await crowd(b, users, true);
  b.log(
    `room on: sold out ${on.sellOutMs} ms after the start, last told ${on.lastToldSoldOutMs} ms, ${on.requestsPerShopper} requests per shopper`,
  );
  return { admitPerSecond, pollMs: ROOM_POLL_MS, off, on };
}

async function crowd(b: Bench, users: BenchUser[], room: boolean): Promise<RoomCrowdStats> {
  const stock = b.opts.stock;
  // The sale's details; its start is first inside the room's opening, then moved to just after
  // the joins (an admin edit), so every shopper joined before it.
  const details = (startAt: number) => ({
    name: `bench room ${room ? 'on' : 'off'}`,
    description: 'Made by pnpm bench.',
    imageUrl: '',
    price: 10_000,
    seckillPrice: 5_000,
    startAt: new Date(startAt).toISOString(),
    endAt: new Date(Date.now() + 6 * 3600_000).toISOString(),
    waitingRoom: room,
  });
  const created = await b.api.call<{ item?: { id: number } }>('POST', '/api/admin/goods', {
    token: b.adminToken,
    body: { ...details(Date.now() + 10 * 60_000 - 5000), stock },
  });
  const goodsId = created.body.item?.id;
  if (created.status !== 201 || !goodsId)
    throw new Error(`creating a sale answered ${created.status}`);
  b.sales.push(goodsId);
  const http = client(b.stack.target.url, b.opts.connections, b.stack.target.loadtestKey);
  const outcomes: Record<string, number> = {};
  const finish = (o: string) => {
    outcomes[o] = (outcomes[o] ?? 0) + 1;
  };
  let lastAccepted = 0;
  let lastToldSoldOut = 0;
  const toldSoldOut = () => {
    lastToldSoldOut = Math.max(lastToldSoldOut, Date.now());
    finish('sold out');
  };

  if (room) {
    const bar = new Progress(`room on: ${users.length} shoppers join`, users.length, 'shoppers');
    let joined = 0;
    await pool(users, b.opts.connections, async (u) => {
      const r = await http.call('join', 'POST', `/api/seckill/${goodsId}/queue`, u.token);
      if (r.status !== 200) throw new Error(`joining answered ${r.status}`);
      bar.update((joined += 1), 0);
    });
    bar.stop();
  }
  // The start: now (the joins, if any, are all in before it).
  const startAt = Date.now() + 500;
  const edit = await b.api.call('PUT', `/api/admin/goods/${goodsId}`, {
    token: b.adminToken,
    body: details(startAt),
  });
  if (edit.status !== 200) throw new Error(`moving the start answered ${edit.status}`);
  await sleep(Math.max(0, startAt - Date.now()));

  const bar = new Progress(`room ${room ? 'on' : 'off'}: the crowd`, users.length, 'shoppers');
  let done = 0;
  const buy = async (u: BenchUser): Promise<'queued' | 'sold_out' | 'retry'> => {
    const p = await http.call('path', 'POST', `/api/seckill/${goodsId}/path`, u.token);
    const path = p.body?.path;
    if (p.status !== 200 || typeof path !== 'string') {
      if (p.body?.code === 'SOLD_OUT') return 'sold_out';
      return 'retry';
    }
    const o = await http.call('order', 'POST', `/api/seckill/${goodsId}/${path}/order`, u.token);
    if (o.status === 202) {
      lastAccepted = Math.max(lastAccepted, Date.now());
      return 'queued';
    }
    return o.body?.code === 'SOLD_OUT' ? 'sold_out' : 'retry';
  };
  const result = async (u: BenchUser) => {
    for (let i = 0; i < 600; i += 1) {
      const r = await http.call('result', 'GET', `/api/seckill/${goodsId}/result`, u.token);
      const status = r.body?.status;
      if (status === 'success') return finish('success');
      if (status === 'sold_out') return toldSoldOut();
      if (status !== 'queued' && r.status === 200) return finish(String(status));
      await sleep(RESULT_POLL_MS);
    }
    finish('still queued');
  };
  await pool(users, room ? users.length : b.opts.connections * 4, async (u) => {
    try {
      for (let tries = 0; tries < 600; tries += 1) {
        if (room) {
          const q = await http.call('queue', 'GET', `/api/seckill/${goodsId}/queue`, u.token);
          const status = q.body?.status;
          if (status === 'sold_out') return toldSoldOut();
          if (status === 'none') {
            await http.call('join', 'POST', `/api/seckill/${goodsId}/queue`, u.token);
            continue;
          }
          if (status !== 'admitted') {
            await sleep(ROOM_POLL_MS);
            continue;
          }
        }
        const outcome = await buy(u);
        if (outcome === 'queued') return await result(u);
        if (outcome === 'sold_out') return toldSoldOut();
        if (!room) await sleep(RESULT_POLL_MS);
      }
      finish('gave up');
    } finally {
      bar.update((done += 1), 0);
    }
  });
  bar.stop();
  http.close();

  const report = await checkSaleSettled(b.stack.db, b.stack.stock, goodsId, () => b.stack.depth(), {
    timeoutMs: 120_000,
    quietMs: 1000,
  });
  const books = await selectOrderBooks(b.stack.db, goodsId);
  return {
    room,
    shoppers: users.length,
    stock,
    sellOutMs: lastAccepted ? lastAccepted - startAt : null,
    lastToldSoldOutMs: lastToldSoldOut ? lastToldSoldOut - startAt : null,
    requests: http.total,
    requestsPerShopper: Math.round((http.total / users.length) * 100) / 100,
    byKind: { ...http.byKind },
    outcomes,
    orders: Number(books?.orders ?? 0),
    duplicates: Number(books?.duplicates ?? 0),
    exact: report?.exact ?? null,
  };
}

/** The table the bench prints. */
export function formatRoom(r: RoomSummary): string {
  const row = (s: RoomCrowdStats) =>
    `  room ${s.room ? 'on ' : 'off'}  sold out +${s.sellOutMs ?? '–'} ms, last shopper told "sold out" +${s.lastToldSoldOutMs ?? '–'} ms, ` +
    `${s.requestsPerShopper} requests per shopper (${Object.entries(s.byKind)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}), orders ${s.orders}/${s.stock}, duplicates ${s.duplicates}, exact ${s.exact}`;
  return [
    `Waiting room (${r.on.shoppers} shoppers, ${r.on.stock} units; admitting ${r.admitPerSecond}/s, places polled every ${r.pollMs} ms):`,
    row(r.off),
    row(r.on),
  ].join('\n');
}
