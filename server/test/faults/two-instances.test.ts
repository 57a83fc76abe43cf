import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSoldExactly, runCrowd, startStack, type Stack } from './stack.ts';

// CI size by default; `pnpm test:faults` (FAULTS_FULL=1) runs 2,500 shoppers for 500 units.
const FULL = process.env.FAULTS_FULL === '1';
const USERS = FULL ? 2500 : 1500;
const STOCK = FULL ? 500 : 300;

let stack: Stack;
let ports: number[] = [];
beforeAll(async () => {
  stack = await startStack();
  ports = [(await stack.startApi()).port, (await stack.startApi()).port];
  await stack.startConsumer();
});
afterAll(() => stack?.stop());

describe('scenario 7: two API instances behind a load balancer', () => {
  it('sells exactly, one each, with requests spread over both', async () => {
    const goodsId = await stack.createSale(STOCK);
    const users = await stack.createUsers(USERS);
    const byPort = new Map<number, { requests: number; queued: number }>(
      ports.map((p) => [p, { requests: 0, queued: 0 }]),
    );
    const crowd = await runCrowd(stack, goodsId, users, () => ports, {
      retries: 0,
      onAnswer: (a) => {
        const n = byPort.get(a.port);
        if (!n) return;
        n.requests += 1;
        if (a.status === 202) n.queued += 1;
      },
    });
    const spread = Object.fromEntries([...byPort.values()].map((n, i) => [`api${i + 1}`, n]));
    await expectSoldExactly(stack, goodsId, STOCK, crowd.queued, 'two instances', {
      extra: { users: USERS, spread, answers: Object.fromEntries(crowd.answers) },
    });
    expect(crowd.queued.size).toBe(STOCK);
    // Both instances took requests and sold units.
    for (const n of byPort.values()) {
      expect(n.requests).toBeGreaterThan(0);
      expect(n.queued).toBeGreaterThan(0);
    }
    // After the sell-out, both instances answer SOLD_OUT (each from its own flag once it has seen it).
    for (const port of ports) {
      const [u] = await stack.createUsers(1);
      const p = await stack.request(port, 'POST', `/api/seckill/${goodsId}/path`, u?.token, true);
      expect(p.body.code).toBe('SOLD_OUT');
    }
  });
});
