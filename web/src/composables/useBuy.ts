import type { OrderResult } from '@seckill/contracts';
import { onScopeDispose } from 'vue';
import { fetchResult, placeOrder, requestPath } from '@/api/seckill';
import { createBuyFlow, type BuyFlow, type BuyNotice, type FinalState } from './buyFlow';
import { pollResult, type ResultListener, type ResultPush } from './pollResult';
import type { ShopEvents } from './shopEvents';
import { shopEvents } from './useShopEvents';

interface TabMessage {
  goodsId: number;
  userId: number;
  kind: FinalState['kind'];
}

export interface UseBuyOptions {
  goodsId: number;
  userId: number;
  onRetryable?: (notice: BuyNotice) => void;
  onFinal?: (state: FinalState) => void;
  events?: ShopEvents;
}

/**
 * The buy flow wired to the API and the browser: one purchase per item at a time across tabs
 * (Web Locks), other tabs told of the outcome (BroadcastChannel), the outcome pushed by the event
 * stream (polled while it is down), everything stopped on leave.
 */
export function useBuy(opts: UseBuyOptions): BuyFlow & { checkExisting(): Promise<void> } {
  const { goodsId, userId } = opts;
  const events = opts.events ?? shopEvents;
  const channel =
    typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('seckill-buy');
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;

  /** The latest result pushed for this sale since the attempt (or the last read) began. */
  let pushed: OrderResult | null = null;
  const waiting = new Set<ResultListener>();
  const push: ResultPush = {
    connected: () => events.connected.value,
    listen(listener) {
      waiting.add(listener);
      if (pushed) listener.result(pushed);
      return () => void waiting.delete(listener);
    },
  };

  const flow = createBuyFlow({
    requestPath: (captcha) => {
      pushed = null;
      return requestPath(goodsId, captcha);
    },
    placeOrder: async (path) => {
      await placeOrder(goodsId, path);
    },
    waitForResult: (signal) => pollResult({ fetch: (s) => fetchResult(goodsId, s), push, signal }),
    exclusive: locks
      ? (run) =>
          locks.request(`seckill-buy:${userId}:${goodsId}`, { ifAvailable: true }, async (lock) => {
            if (!lock) return false;
            await run();
            return true;
          })
      : undefined,
    onRetryable: opts.onRetryable,
    onFinal(state) {
      channel?.postMessage({ goodsId, userId, kind: state.kind } satisfies TabMessage);
      opts.onFinal?.(state);
    },
  });

  /** What the server already knows about this buyer and item: a reload or another tab's order. */
  async function checkExisting() {
    pushed = null;
    try {
      flow.restore(await fetchResult(goodsId));
    } catch {
      // Only a convenience: the buy button still works, and the server still refuses a repeat.
    }
  }

  if (channel) {
    channel.onmessage = (e: MessageEvent<TabMessage>) => {
      // While the stream is up, the other tab's outcome is pushed here too.
      if (events.connected.value) return;
      if (e.data.goodsId === goodsId && e.data.userId === userId && !flow.busy.value) {
        void checkExisting();
      }
    };
  }

  const unsubscribe = [
    events.subscribe('result', (e) => {
      if (e.goodsId !== goodsId) return;
      const result: OrderResult = e.orderId
        ? { status: e.status, orderId: e.orderId }
        : { status: e.status };
      pushed = result;
      for (const listener of [...waiting]) listener.result(result);
      // Not waiting for it: another tab's purchase, or the order was given back.
      if (flow.busy.value) return;
      if (result.status === 'none') flow.release();
      else flow.restore(result);
    }),
    events.subscribe('hello', () => {
      for (const listener of [...waiting]) listener.hello();
    }),
    events.onConnection((up) => {
      if (!up) for (const listener of [...waiting]) listener.down();
    }),
  ];

  onScopeDispose(() => {
    flow.dispose();
    channel?.close();
    for (const off of unsubscribe) off();
  });

  return { ...flow, checkExisting };
}
