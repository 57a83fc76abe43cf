import { randomBytes } from 'node:crypto';
import type { QueueStatus } from '@seckill/contracts';
import type { RedisClient, RoomPlace, WaitingRoomStore } from '@seckill/stock';
import type { Logger } from 'pino';
import type { SaleCatalog } from './catalog.ts';
import type { PushHub, Watcher } from './push.ts';

export function queueStatus(p: RoomPlace): QueueStatus {
  return {
    status: p.status,
    position: p.position,
    etaSeconds: p.etaSeconds,
    ...(p.admittedUntil ? { admittedUntil: new Date(p.admittedUntil).toISOString() } : {}),
  };
}

export interface RoomRunnerOptions {
  prefix: string;
  instanceId: string;
  tickMs: number;
  opensBeforeMs: number;
  log: Logger;
}

/** A shopper's place is re-sent at most this often while only the position moves. */
const POSITION_PUSH_MS = 1000;
/** Places are read again this often even when nothing moved (admissions run out by the clock). */
const REFRESH_MS = 3000;
/** Places are read for at most this many shoppers per script call. */
const CHUNK = 500;

const LEAD = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

/**
 * Runs the waiting rooms on every instance. One instance at a time holds the lead (a key in Redis
 * with a short lease, renewed every tick) and runs the admission rounds of every open room, so
 * there is one admission sequence whatever the number of instances; if it dies, another takes the
 * lease within a second. Every instance pushes, to the streams it holds, each shopper's place when
 * it changes (at once for admitted / sold out, at most once a second for a moving position).
 */
export class RoomRunner {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private readonly leaderKey: string;
  /** Unique per runner, so two instances in one process (tests) do not share the lease. */
  private readonly id: string;
  /** Admission rounds this instance ran (tests, metrics). */
  rounds = 0;
  /** Per sale, the last snapshot places were read at (see WaitingRoomStore.snapshot). */
  private readonly read = new Map<
    number,
    { key: string; soldOut: boolean; drawn: boolean; at: number }
  >();

  constructor(
    private readonly room: WaitingRoomStore,
    private readonly redis: RedisClient,
    private readonly catalog: SaleCatalog,
    private readonly push: PushHub,
    private readonly o: RoomRunnerOptions,
  ) {
    this.leaderKey = `${o.prefix}room:leader`;
    this.id = `${o.instanceId}:${randomBytes(4).toString('hex')}`;
    if (!('skRoomLead' in redis)) redis.defineCommand('skRoomLead', { numberOfKeys: 1, lua: LEAD });
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async lead(): Promise<boolean> {
    const lease = Math.max(1000, this.o.tickMs * 5);
    const cmd = (
      this.redis as unknown as {
        skRoomLead(k: string, id: string, ms: number): Promise<number>;
      }
    ).skRoomLead;
    return (await cmd.call(this.redis, this.leaderKey, this.id, lease)) === 1;
  }

  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const now = Date.now();
      const rooms = (await this.catalog.rows()).filter(
        (r) =>
          r.waitingRoom &&
          now >= r.startAt.getTime() - this.o.opensBeforeMs &&
          now < r.endAt.getTime(),
      );
      if (rooms.length === 0) return;
      if (rooms.some((r) => now >= r.startAt.getTime()) && (await this.lead())) {
        for (const r of rooms) {
          if (now < r.startAt.getTime()) continue;
          const round = await this.room.admit(r.id);
          if (round) this.rounds += 1;
          // Those just admitted hear it at once, wherever their stream is (Redis pub/sub).
          if (round && round.admitted.length > 0) {
            const until = new Date(round.admittedUntil).toISOString();
            await this.push.publish(
              round.admitted.map((userId) => ({
                userId,
                event: {
                  type: 'queue',
                  goodsId: r.id,
                  status: 'admitted',
                  position: null,
                  etaSeconds: 0,
                  admittedUntil: until,
                },
              })),
            );
          }
          if (round && (round.admitted.length > 0 || round.lapsed > 0))
            this.o.log.debug({ goodsId: r.id, ...round, admitted: round.admitted.length }, 'room');
        }
      }
      const watched = new Set(this.push.watchedSales());
      for (const r of rooms) if (watched.has(r.id)) await this.pushPlaces(r.id, now);
      for (const id of this.read.keys()) if (!watched.has(id)) this.read.delete(id);
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'waiting room tick failed');
    } finally {
      this.busy = false;
    }
  }

  /**
   * Reads the places of the shoppers watching a sale here and pushes what changed. Every shopper's
   * place is read only when the room moved (its snapshot changed: at once when the stock runs out
   * or comes back or the draw happens, else at most once a second) or every few seconds; a new
   * stream's shopper is read at once.
   */
  private async pushPlaces(goodsId: number, now: number) {
    const all = this.push.watchers(goodsId);
    const snap = await this.room.snapshot(goodsId);
    const last = this.read.get(goodsId);
    const flipped = !last || last.soldOut !== snap.soldOut || last.drawn !== snap.drawn;
    const moved = !!last && last.key !== snap.key && now - last.at >= POSITION_PUSH_MS;
    const everyone = flipped || moved || !last || now - last.at >= REFRESH_MS;
    const memoKey = `room:${goodsId}`;
    const watchers = everyone ? all : all.filter((w) => !w.memo.has(memoKey));
    if (everyone) this.read.set(goodsId, { ...snap, at: now });
    if (watchers.length === 0) return;
    const users = [...new Set(watchers.map((w) => w.userId))];
    const byUser = new Map<number, RoomPlace>();
    for (let i = 0; i < users.length; i += CHUNK) {
      const ids = users.slice(i, i + CHUNK);
      const places = await this.room.places(goodsId, ids);
      if (!places) return;
      ids.forEach((id, j) => {
        const p = places[j];
        if (p) byUser.set(id, p);
      });
    }
    for (const w of watchers) {
      const p = byUser.get(w.userId);
      if (p) pushIfChanged(w, goodsId, p, now);
    }
  }
}

interface Sent {
  status: string;
  position: number | null;
  until: number | null;
  at: number;
}

function pushIfChanged(w: Watcher, goodsId: number, p: RoomPlace, now: number) {
  const key = `room:${goodsId}`;
  const last = w.memo.get(key) as Sent | undefined;
  const changed =
    !last ||
    last.status !== p.status ||
    last.until !== p.admittedUntil ||
    (last.position !== p.position && now - last.at >= POSITION_PUSH_MS);
  if (!changed) return;
  w.memo.set(key, { status: p.status, position: p.position, until: p.admittedUntil, at: now });
  w.send({ type: 'queue', goodsId, ...queueStatus(p) });
}
