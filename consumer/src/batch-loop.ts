export interface BatchLoopOptions<T> {
  /** Items per batch at most; a full buffer leaves at once. */
  batchSize: number;
  /** How long a partial batch waits for more. */
  batchWaitMs: number;
  /** Batches in flight at once, each in its own lane (default 1: one after another). */
  concurrency?: number;
  run: (batch: T[]) => Promise<void>;
  /** A batch whose run threw: its lane waits for this before its next batch. */
  failed: (batch: T[], err: unknown) => Promise<void>;
}

/**
 * The batch loop: orders gather in a buffer until there are `batchSize` of them or the first has
 * waited `batchWaitMs`, then leave as one batch. Batches go to the lanes in turn, and each lane runs
 * its batches one after another, so with two lanes one batch's commit overlaps the next one's work
 * while no lane ever holds two transactions. It knows nothing of orders: `run` and `failed` do.
 */
export class BatchLoop<T> {
  private buffer: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** The last batch of each lane (its promise never rejects: `failed` took the error). */
  private lanes: Promise<void>[] = [];
  private nextLane = 0;

  constructor(private readonly o: BatchLoopOptions<T>) {}

  add(items: T[]): void {
    if (items.length === 0) return;
    this.buffer.push(...items);
    if (this.buffer.length >= this.o.batchSize) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.o.batchWaitMs);
  }

  /** Sends everything buffered to the lanes now, in batches of `batchSize`. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0) return;
    const batch = this.buffer.splice(0, this.o.batchSize);
    const lanes = Math.max(1, this.o.concurrency ?? 1);
    const lane = this.nextLane++ % lanes;
    this.lanes[lane] = (this.lanes[lane] ?? Promise.resolve())
      .then(() => this.o.run(batch))
      .catch((err: unknown) => this.o.failed(batch, err));
    if (this.buffer.length > 0) this.flush();
  }

  /**
   * Flushes and waits until every lane has run what it was given. The check it returns tells
   * whether the loop is still quiet: nothing buffered and no batch taken since.
   */
  async runOut(): Promise<() => boolean> {
    this.flush();
    const awaited = [...this.lanes];
    await Promise.all(awaited);
    return () => this.buffer.length === 0 && this.lanes.every((l, i) => l === awaited[i]);
  }
}
