import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import calculateSlot from 'cluster-key-slot';
import { Cluster, Redis, type Command } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeysWithPrefix, saleKeys, StockStore, WaitingRoomStore } from '../src/index.ts';
import { testRedis } from './redis.ts';

// Every script and multi-key call of StockStore must name keys of one hash slot, its sale's: on
// a cluster anything else fails with CROSSSLOT. This test runs each of them, records the keys of
// every command that reaches a server, and checks their slots; against a cluster (REDIS_CLUSTER_NODES,
// vitest.cluster.config.ts) the calls themselves would also fail.

const LUA_DIR = new URL('../src/lua/', import.meta.url);
const prefix = `tslot${randomBytes(4).toString('hex')}:`;
const redis = testRedis();
const stock = new StockStore(redis, prefix);
const room = new WaitingRoomStore(redis, prefix, {
  opensBeforeMs: 600_000,
  admitPerSecond: 100,
  admissionTtlMs: 5000,
  factor: 2,
  maxPerRound: 100,
});

interface Sent {
  name: string;
  keys: string[];
  sha?: string;
}
let sent: Sent[] | null = null;
// Every server connection, a cluster's nodes included, is a Redis: this sees each command sent.
const send = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (this: Redis, command: Command, stream?: never) {
  if (sent && command.name !== 'multi' && command.name !== 'exec') {
    const keys = command.getKeys().map(String);
    const sha = command.name === 'evalsha' ? String(command.args[0]) : undefined;
    if (keys.length) sent.push({ name: command.name, keys, sha });
  }
  return send.call(this, command, stream);
} as typeof send;

/** What `fn` sent to Redis, command by command. */
async function record(fn: () => Promise<unknown>): Promise<Sent[]> {
  sent = [];
  try {
    await fn();
    return sent;
  } finally {
    sent = null;
  }
}

const slotsOf = (commands: Sent[]) => new Set(commands.flatMap((c) => c.keys.map(calculateSlot)));
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const luaText = (f: string) => readFileSync(new URL(f, LUA_DIR), 'utf8');
// The waiting room's scripts run with room-common.lua in front of them (see room.ts).
const scriptShas = new Map(
  readdirSync(LUA_DIR)
    .filter((f) => f.endsWith('.lua') && f !== 'room-common.lua')
    .map((f) => [
      sha1(f.startsWith('room-') ? `${luaText('room-common.lua')}\n${luaText(f)}` : luaText(f)),
      f,
    ]),
);
const scriptsRun = new Set<string>();

afterAll(async () => {
  Redis.prototype.sendCommand = send;
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

let goodsId = 100;
const now = Date.now();
const sale = (id: number) => ({
  goodsId: id,
  startMs: now - 60_000,
  endMs: now + 60_000,
  price: 100,
  round: 1,
  stock: 5,
  waitingRoom: true,
});
const orders = [
  { userId: 1, orderId: '11' },
  { userId: 2, orderId: '22' },
];

/** Each StockStore call that sends more than one key, or a script, for one sale. */
const calls: Array<[string, (id: number) => Promise<unknown>]> = [
  ['warm (reset)', (id) => stock.warm(sale(id), { reset: true })],
  ['warm', (id) => stock.warm(sale(id), { reset: false })],
  ['storeCaptcha (MULTI)', (id) => stock.storeCaptcha(id, 1, 'abcd', 5000)],
  [
    'issuePath',
    (id) =>
      stock.issuePath(id, 1, {
        answer: 'abcd',
        maxTries: 3,
        path: 'p1',
        ttlMs: 5000,
        skipCaptcha: false,
      }),
  ],
  ['reserve', (id) => stock.reserve(id, 1, 'p1', '11')],
  ['release', (id) => stock.release(id, 1, '11', { force: false, result: '', returnUnit: true })],
  ['claim', (id) => stock.claim(id, 2, '22')],
  ['claimMany', (id) => stock.claimMany(id, orders)],
  ['settle', (id) => stock.settle(id, 2, '22', '22')],
  [
    'settleMany',
    (id) => stock.settleMany(id, [{ userId: 2, orderId: '22', reservedOrderId: '22' }]),
  ],
  ['rebuild', (id) => stock.rebuild(sale(id), orders)],
  ['returnUnits', (id) => stock.returnUnits(id, 1, orders)],
  ['result', (id) => stock.result(id, 2)],
  [
    'room: join, admit, places, figures, snapshot',
    async (id) => {
      await stock.warm(sale(id), { reset: true });
      await room.join(id, 1);
      await room.admit(id);
      await room.places(id, [1, 2]);
      await room.figures(id);
      await room.snapshot(id);
    },
  ],
  ['buyerMarks', (id) => stock.buyerMarks(id)],
  [
    'lockSale',
    async (id) => {
      const lock = await stock.lockSale(id, 'reconcile', 5000);
      await lock?.release();
    },
  ],
];

describe('hash slots of every script and multi-key call', () => {
  it('talks to a cluster exactly when REDIS_CLUSTER_NODES is set', () => {
    expect(redis instanceof Cluster).toBe(Boolean(process.env.REDIS_CLUSTER_NODES?.trim()));
  });

  it.each(calls)('%s names only keys of its sale’s slot', async (_name, call) => {
    goodsId += 1;
    const commands = await record(() => call(goodsId));
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) if (c.sha) scriptsRun.add(c.sha);
    expect([...slotsOf(commands)]).toEqual([calculateSlot(saleKeys(prefix, goodsId).stock)]);
  });

  it('ran every script in src/lua', () => {
    const run = [...scriptsRun].map((sha) => scriptShas.get(sha)).filter(Boolean);
    expect(run.sort()).toEqual([...scriptShas.values()].sort());
    expect(scriptShas.size).toBeGreaterThanOrEqual(9);
  });

  it('would catch a call across sales: two slots here, CROSSSLOT on a cluster', async () => {
    const a = saleKeys(prefix, 1).stock;
    const b = saleKeys(prefix, 2).stock;
    const twoSales = () =>
      redis.eval("return redis.call('MSET', KEYS[1], 1, KEYS[2], 1)", 2, a, b) as Promise<unknown>;
    if (redis instanceof Cluster) {
      const commands = await record(() => twoSales().catch((err: Error) => err.message));
      expect(slotsOf(commands).size).toBe(2);
      await expect(twoSales()).rejects.toThrow(/CROSSSLOT/);
    } else {
      const commands = await record(twoSales);
      expect(slotsOf(commands).size).toBe(2);
    }
  });
});
