import type { Channel, ConsumeMessage } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { BulkAcks } from './acks.ts';

/** A channel that only records the acks it is asked for (the ordering logic is what is tested). */
function recorder() {
  const acks: Array<[number, boolean]> = [];
  const ch = {
    ack: (m: ConsumeMessage, all?: boolean) => acks.push([m.fields.deliveryTag, all === true]),
  } as unknown as Channel;
  return { ch, acks };
}
const msg = (tag: number) => ({ fields: { deliveryTag: tag } }) as ConsumeMessage;
const turn = () => new Promise((r) => setImmediate(r));

describe('BulkAcks', () => {
  it('acks the messages done in one turn with one frame, up to the newest', async () => {
    const { ch, acks } = recorder();
    const a = new BulkAcks();
    const m = [1, 2, 3, 4].map(msg);
    for (const x of m) a.delivered(ch, x);
    a.ack(ch, m[2] as ConsumeMessage);
    a.ack(ch, m[0] as ConsumeMessage);
    a.ack(ch, m[1] as ConsumeMessage);
    await turn();
    expect(acks).toEqual([[3, true]]);
    expect(a.unsettled).toBe(1);
  });

  it('holds an ack back while an earlier delivery is still in work, never lets it through', async () => {
    const { ch, acks } = recorder();
    const a = new BulkAcks();
    const m = [1, 2, 3].map(msg);
    for (const x of m) a.delivered(ch, x);
    a.ack(ch, m[1] as ConsumeMessage);
    a.ack(ch, m[2] as ConsumeMessage);
    await turn();
    expect(acks).toEqual([]);
    a.ack(ch, m[0] as ConsumeMessage);
    await turn();
    expect(acks).toEqual([[3, true]]);
  });

  it('lets later acks pass a delivery that was nacked by itself', async () => {
    const { ch, acks } = recorder();
    const a = new BulkAcks();
    const m = [1, 2, 3].map(msg);
    for (const x of m) a.delivered(ch, x);
    a.ack(ch, m[2] as ConsumeMessage);
    a.ack(ch, m[0] as ConsumeMessage);
    await turn();
    expect(acks).toEqual([[1, true]]);
    a.nacked(ch, m[1] as ConsumeMessage);
    await turn();
    expect(acks).toEqual([
      [1, true],
      [3, true],
    ]);
    expect(a.unsettled).toBe(0);
  });

  it('keeps the channels apart, and forgets a closed one', async () => {
    const one = recorder();
    const two = recorder();
    const a = new BulkAcks();
    const [x, y] = [msg(1), msg(1)];
    a.delivered(one.ch, x);
    a.delivered(two.ch, y);
    a.ack(two.ch, y);
    a.closed(one.ch);
    await turn();
    expect([one.acks, two.acks]).toEqual([[], [[1, true]]]);
    expect(a.unsettled).toBe(0);
  });
});
