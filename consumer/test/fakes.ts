import { EventEmitter } from 'node:events';
import type { OrderMessage } from '@seckill/contracts';
import type { Channel, ChannelModel, ConsumeMessage, RecoveringChannelModel } from 'amqplib';
import type { Logger } from 'pino';

/**
 * Stand-ins for the consumer's unit tests: amqplib's channels and connection, which record what the
 * consumer asks of the broker (in one `calls` list, so that order can be checked) and let a test
 * deliver messages, and a logger that keeps its lines. The integration tests under server/test use
 * the real services.
 */
export class FakeChannel extends EventEmitter {
  readonly prefetched: number[] = [];
  queue: string | null = null;
  private onMessage: ((msg: ConsumeMessage | null) => void) | null = null;
  private nextTag = 1;

  constructor(
    readonly name: string,
    private readonly calls: string[],
  ) {
    super();
  }

  async prefetch(n: number) {
    this.prefetched.push(n);
  }

  async consume(queue: string, onMessage: (msg: ConsumeMessage | null) => void) {
    this.queue = queue;
    this.onMessage = onMessage;
    return { consumerTag: `${this.name}-tag` };
  }

  async cancel(tag: string) {
    this.calls.push(`cancel ${tag}`);
    this.onMessage = null;
  }

  async close() {
    this.calls.push(`close ${this.name}`);
    this.emit('close');
  }

  ack(msg: ConsumeMessage, allUpTo = false) {
    this.calls.push(`ack ${this.name} ${msg.fields.deliveryTag}${allUpTo ? '+' : ''}`);
  }

  nack(msg: ConsumeMessage, _allUpTo: boolean, requeue: boolean) {
    this.calls.push(`nack ${this.name} ${msg.fields.deliveryTag} ${requeue ? 'requeue' : 'dead'}`);
  }

  /** The broker delivers `body` (JSON unless a string); returns the message. */
  deliver(body: unknown): ConsumeMessage {
    const content = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const msg = message(content, this.nextTag++);
    this.onMessage?.(msg);
    return msg;
  }

  /** Cancelled by the broker: amqplib calls the consumer with null. */
  cancelledByBroker() {
    this.onMessage?.(null);
  }

  get asChannel(): Channel {
    return this as unknown as Channel;
  }
}

export function message(content: Buffer, deliveryTag: number): ConsumeMessage {
  return {
    content,
    fields: { deliveryTag, redelivered: false, exchange: '', routingKey: '', consumerTag: '' },
    properties: { messageId: `m${deliveryTag}`, headers: {} },
  } as unknown as ConsumeMessage;
}

/** A connection whose `setup` has run once: the channels it opened, in order. */
export class FakeConnection extends EventEmitter {
  readonly channels: FakeChannel[] = [];
  readonly calls: string[] = [];

  readonly model = {
    createChannel: async () => {
      const ch = new FakeChannel(`ch${this.channels.length + 1}`, this.calls);
      this.channels.push(ch);
      return ch.asChannel;
    },
  } as unknown as ChannelModel;

  async close() {
    this.calls.push('close connection');
  }

  get asRecovering(): RecoveringChannelModel {
    return this as unknown as RecoveringChannelModel;
  }

  channel(i: number): FakeChannel {
    const ch = this.channels[i];
    if (!ch) throw new Error(`no channel ${i}`);
    return ch;
  }
}

/** A logger that keeps `[level, message, fields]` of each line. */
export function recordingLog() {
  const lines: Array<[string, string, unknown]> = [];
  const at =
    (level: string) =>
    (fields: unknown, msg?: string): void => {
      if (typeof fields === 'string') lines.push([level, fields, undefined]);
      else lines.push([level, msg ?? '', fields]);
    };
  const log = { info: at('info'), warn: at('warn'), error: at('error') } as unknown as Logger;
  return { log, lines, messages: () => lines.map(([, m]) => m) };
}

let nextConnection: FakeConnection | null = null;

/** The connection the next `connectRecovering` opens. */
export function connectNextTo(conn: FakeConnection): void {
  nextConnection = conn;
}

// Stand-ins for @seckill/queue's connection functions, for
// `vi.mock('@seckill/queue', () => import('../test/fakes.ts'))`.
export async function connectRecovering(
  _url: string,
  setup: (model: ChannelModel) => Promise<void>,
): Promise<RecoveringChannelModel> {
  if (!nextConnection) throw new Error('connectNextTo() first');
  await setup(nextConnection.model);
  return nextConnection.asRecovering;
}
export async function assertTopology(): Promise<void> {}
export function closeWithin(model: RecoveringChannelModel): Promise<void> {
  return model.close();
}

/** An order message of sale `goodsId`, bought by the user whose id is the order's. */
export function orderMessage(orderId: string, goodsId = 3): OrderMessage {
  return { v: 1, orderId, userId: Number(orderId), goodsId, price: 1, round: 0, reservedAt: 1 };
}
