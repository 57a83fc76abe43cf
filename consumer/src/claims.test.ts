import type { ClaimResult } from '@seckill/stock';
import { describe, expect, it } from 'vitest';
import { claimBySale } from './claims.ts';
import type { Retrying } from './retrying.ts';
import type { OrderInWork } from './settlement.ts';

const inWork = (orderId: string, goodsId: number) =>
  ({ order: { orderId, goodsId, userId: Number(orderId) }, d: {} }) as OrderInWork;
const once: Retrying = (_what, fn) => fn();

describe('claimBySale', () => {
  it('claims each sale once, and keeps what was not undone in batch order', async () => {
    const calls: Array<[number, string[]]> = [];
    const answers: Record<number, ClaimResult[]> = {
      1: ['claimed', 'dropped', 'untracked'],
      2: ['claimed'],
    };
    const stock = {
      claimMany: async (goodsId: number, orders: Array<{ orderId: string }>) => {
        calls.push([goodsId, orders.map((o) => o.orderId)]);
        return answers[goodsId] ?? [];
      },
    };
    const dropped: string[] = [];
    const batch = [inWork('1', 1), inWork('2', 2), inWork('3', 1), inWork('4', 1)];
    const claimed = await claimBySale(stock, once, batch, (p) => dropped.push(p.order.orderId));
    expect(calls).toEqual([
      [1, ['1', '3', '4']],
      [2, ['2']],
    ]);
    expect(claimed.map(([g, ps]) => [g, ps.map((p) => p.order.orderId)])).toEqual([
      [1, ['1', '4']],
      [2, ['2']],
    ]);
    expect(dropped).toEqual(['3']);
  });

  it('runs the claims under the retry policy, named "claim"', async () => {
    const names: string[] = [];
    let failures = 1;
    const retryOnce: Retrying = async (what, fn) => {
      names.push(what);
      try {
        return await fn();
      } catch {
        return fn();
      }
    };
    const stock = {
      claimMany: async (): Promise<ClaimResult[]> => {
        if (failures-- > 0) throw new Error('redis away');
        return ['claimed'];
      },
    };
    const claimed = await claimBySale(stock, retryOnce, [inWork('1', 1)], () => {});
    expect([names, claimed.length]).toEqual([['claim'], 1]);
  });

  it('drops an undone order once, even when a retry claims its sale again', async () => {
    let calls = 0;
    const stock = {
      claimMany: async (goodsId: number): Promise<ClaimResult[]> => {
        calls += 1;
        // Sale 1 answers first; sale 2 fails the first time, so both are claimed again.
        if (goodsId === 2 && calls <= 2) throw new Error('redis away');
        return goodsId === 1 ? ['dropped'] : ['claimed'];
      },
    };
    const retryOnce: Retrying = async (_what, fn) => {
      try {
        return await fn();
      } catch {
        return fn();
      }
    };
    const dropped: string[] = [];
    const claimed = await claimBySale(stock, retryOnce, [inWork('1', 1), inWork('2', 2)], (p) =>
      dropped.push(p.order.orderId),
    );
    expect(dropped).toEqual(['1']);
    expect(claimed.map(([g, ps]) => [g, ps.length])).toEqual([
      [1, 0],
      [2, 1],
    ]);
  });
});
