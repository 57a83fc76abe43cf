import type { ExpiryMessage } from '@seckill/contracts';

/** The most order ids one deadline message carries (ExpiryMessage's own limit). */
const MAX_IDS = 1000;

interface Gathering {
  ids: string[];
  expiresAt: number;
  waiting: Array<() => void>;
  timer: NodeJS.Timeout;
}

/**
 * Payment deadlines gathered per sale: the orders of the transactions committed within `windowMs`
 * leave in one deadline message (a quorum queue entry, a dead-lettering and a delivery each)
 * instead of one per transaction. The message carries the latest deadline of its orders, so none
 * is expired early; the earlier ones are expired at most `windowMs` late. `add` resolves once the
 * message carrying those orders was sent (confirmed or not: `send` handles a failure, and the
 * sweeper stands in for a lost message). windowMs 0 sends one message per call.
 */
export class DeadlineGatherer {
  private readonly gathering = new Map<number, Gathering>();

  constructor(
    private readonly send: (m: ExpiryMessage) => Promise<void>,
    private readonly windowMs: number,
  ) {}

  add(goodsId: number, orderIds: string[], expiresAt: number): Promise<void> {
    if (this.windowMs === 0 || orderIds.length >= MAX_IDS)
      return this.send({ v: 1, goodsId, orderIds, expiresAt });
    let g = this.gathering.get(goodsId);
    if (g && g.ids.length + orderIds.length > MAX_IDS) {
      this.flush(goodsId);
      g = undefined;
    }
    if (!g) {
      g = {
        ids: [],
        expiresAt,
        waiting: [],
        timer: setTimeout(() => this.flush(goodsId), this.windowMs),
      };
      this.gathering.set(goodsId, g);
    }
    g.ids.push(...orderIds);
    g.expiresAt = Math.max(g.expiresAt, expiresAt);
    const gathered = g;
    return new Promise<void>((resolve) => gathered.waiting.push(resolve));
  }

  /** Sends what waits for every sale now (shutting down). */
  flushAll(): void {
    for (const goodsId of [...this.gathering.keys()]) this.flush(goodsId);
  }

  private flush(goodsId: number) {
    const g = this.gathering.get(goodsId);
    if (!g) return;
    this.gathering.delete(goodsId);
    clearTimeout(g.timer);
    const done = () => {
      for (const w of g.waiting) w();
    };
    this.send({ v: 1, goodsId, orderIds: g.ids, expiresAt: g.expiresAt }).then(done, done);
  }
}
