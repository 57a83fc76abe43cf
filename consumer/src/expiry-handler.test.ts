import { describe, expect, it } from 'vitest';
import { FakeChannel, recordingLog } from '../test/fakes.ts';
import type { Delivery } from './channels.ts';
import { ExpiryHandler } from './expiry-handler.ts';

const deadline = { v: 1, goodsId: 3, orderIds: ['1', '2'], expiresAt: 5 };

/** A handler whose expirer answers when the test says so (or fails), with its effects recorded. */
function setUp() {
  const calls: string[] = [];
  const ch = new FakeChannel('exp', calls);
  const pending: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  const { log, messages } = recordingLog();
  const handler = new ExpiryHandler({
    expirer: {
      expire: (goodsId, orderIds) => {
        calls.push(`expire ${goodsId}: ${orderIds}`);
        return new Promise((resolve, reject) =>
          pending.push({ resolve: () => resolve(orderIds.length), reject }),
        );
      },
    },
    settlement: { ack: (d) => void calls.push(`ack ${d.msg.fields.deliveryTag}`) },
    requeue: {
      later: async (ms, ds) =>
        void calls.push(`requeue ${ds.map((d) => d.msg.fields.deliveryTag)} after ${ms}`),
    },
    log,
  });
  const deliver = (body: unknown): Delivery => ({ msg: ch.deliver(body), ch: ch.asChannel });
  return { handler, calls, pending, messages, deliver };
}

describe('ExpiryHandler', () => {
  it('expires the orders of a deadline, then acks it', async () => {
    const { handler, calls, pending, deliver } = setUp();
    handler.receive(deliver(deadline));
    expect(calls).toEqual(['expire 3: 1,2']);
    pending[0]?.resolve();
    await handler.idle();
    expect(calls).toEqual(['expire 3: 1,2', 'ack 1']);
  });

  it('requeues a deadline whose expiry failed, after a pause of about a second', async () => {
    const { handler, calls, pending, messages, deliver } = setUp();
    handler.receive(deliver(deadline));
    pending[0]?.reject(new Error('mysql away'));
    await handler.idle();
    expect(calls[1]).toMatch(/^requeue 1 after (\d+)$/);
    const ms = Number(calls[1]?.split(' ').at(-1));
    expect(ms).toBeGreaterThanOrEqual(640);
    expect(ms).toBeLessThanOrEqual(960);
    expect(messages()).toEqual(['expiry failed; requeueing it']);
  });

  it('acks and drops a message that is no deadline', () => {
    const { handler, calls, messages, deliver } = setUp();
    handler.receive(deliver({ v: 9 }));
    expect(calls).toEqual(['ack 1']);
    expect(messages()).toEqual(['malformed expiry message dropped']);
  });

  it('is idle only once every deadline in work is done', async () => {
    const { handler, pending, deliver } = setUp();
    handler.receive(deliver(deadline));
    handler.receive(deliver(deadline));
    let idle = false;
    const waiting = handler.idle().then(() => (idle = true));
    pending[0]?.resolve();
    await new Promise((r) => setImmediate(r));
    expect(idle).toBe(false);
    pending[1]?.resolve();
    await waiting;
    expect(idle).toBe(true);
  });
});
