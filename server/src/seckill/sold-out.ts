/**
 * Local sold-out flags: after Redis said a sale is sold out, this instance answers SOLD_OUT
 * without asking again for a short while. A reset or a returned unit clears the flag on every
 * instance through pub/sub; the expiry heals a missed message.
 */
export class SoldOutFlags {
  private readonly until = new Map<number, number>();

  constructor(private readonly ttlMs: number) {}

  isSoldOut(goodsId: number): boolean {
    const t = this.until.get(goodsId);
    if (t === undefined) return false;
    if (t > Date.now()) return true;
    this.until.delete(goodsId);
    return false;
  }

  markSoldOut(goodsId: number) {
    if (this.ttlMs > 0) this.until.set(goodsId, Date.now() + this.ttlMs);
  }

  clear(goodsId: number) {
    this.until.delete(goodsId);
  }
}
