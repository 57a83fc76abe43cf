import { saleEventsChannel, type RedisClient } from '@seckill/stock';

/** What one instance tells the others about a sale: its details or stock changed. */
export interface SaleEvent {
  type: 'changed' | 'stock_returned';
  goodsId: number;
}

export class SaleEvents {
  private readonly channel: string;

  constructor(
    private readonly pub: RedisClient,
    private readonly sub: RedisClient,
    prefix: string,
  ) {
    this.channel = saleEventsChannel(prefix);
  }

  async listen(onEvent: (e: SaleEvent) => void): Promise<void> {
    this.sub.on('message', (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      try {
        const e = JSON.parse(raw) as SaleEvent;
        if (typeof e.goodsId === 'number') onEvent(e);
      } catch {
        // not ours
      }
    });
    await this.sub.subscribe(this.channel);
  }

  async announce(e: SaleEvent): Promise<void> {
    await this.pub.publish(this.channel, JSON.stringify(e));
  }
}
