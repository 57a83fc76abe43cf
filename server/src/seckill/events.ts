import { readSaleEvent, saleEventMessage, type SaleEvent } from '@seckill/contracts';
import { saleEventsChannel, type RedisClient } from '@seckill/stock';

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
      const e = readSaleEvent(raw);
      if (e) onEvent(e);
    });
    await this.sub.subscribe(this.channel);
  }

  async announce(e: SaleEvent): Promise<void> {
    await this.pub.publish(this.channel, saleEventMessage(e));
  }
}
