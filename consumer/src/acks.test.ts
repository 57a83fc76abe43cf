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

/** `n` messages delivered on one recorded channel; `ack(i)` acks the i-th (from 1). */
function delivered(n: number) {
  const { ch, acks } = recorder();
  const a = new BulkAcks();
  const m = Array.from({ length: n }, (_, i) => msg(i + 1));
  for (const x of m) a.delivered(ch, x);
  const at = (i: number) => m[i - 1] as ConsumeMessage;
  return {
    a,
    acks,
    ack: (i: number) => a.ack(ch, at(i)),
    nack: (i: number) => a.nacked(ch, at(i)),
  };
}

describe('BulkAcks', () => {
  it('acks the messages done in one turn with one frame, up to the newest', async () => {
    const { a, acks, ack } = delivered(4);
    ack(3);
    ack(1);
    ack(2);
    await turn();
    expect(acks).toEqual([[3, true]]);
    expect(a.unsettled).toBe(1);
  });

  it('holds an ack back while an earlier delivery is still in work, never lets it through', async () => {
    const { acks, ack } = delivered(3);
    ack(2);
    ack(3);
    await turn();
    expect(acks).toEqual([]);
    ack(1);
    await turn();
    expect(acks).toEqual([[3, true]]);
  });

  it('lets later acks pass a delivery that was nacked by itself', async () => {
    const { a, acks, ack, nack } = delivered(3);
    ack(3);
    ack(1);
    await turn();
    expect(acks).toEqual([[1, true]]);
    nack(2);
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
