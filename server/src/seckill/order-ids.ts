/**
 * Order numbers as snowflakes: 41 bits of milliseconds since 2025-01-01, 12 bits of worker id
 * (handed out by Redis at start, unique among up to 4096 live instances) and a 10-bit sequence.
 * They are made before the order exists, so a replayed message maps to the same row.
 */
const EPOCH = Date.UTC(2025, 0, 1);

export class OrderIds {
  private lastMs = 0;
  private seq = 0;
  private readonly worker: bigint;

  constructor(workerId: number) {
    this.worker = BigInt(workerId & 0xfff);
  }

  next(): string {
    let now = Date.now();
    if (now < this.lastMs) now = this.lastMs; // the clock stepped back: keep counting from the last ms
    if (now === this.lastMs) {
      this.seq = (this.seq + 1) & 0x3ff;
      if (this.seq === 0) now = this.lastMs + 1; // 1024 ids in this ms: borrow the next one
    } else {
      this.seq = 0;
    }
    this.lastMs = now;
    return ((BigInt(now - EPOCH) << 22n) | (this.worker << 10n) | BigInt(this.seq)).toString();
  }
}

/** When an order number was made (ms since the Unix epoch). */
export function orderIdTime(orderId: string): number {
  return Number(BigInt(orderId) >> 22n) + EPOCH;
}
