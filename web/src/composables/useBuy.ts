import { onScopeDispose } from 'vue';
import { fetchResult, placeOrder, requestPath } from '@/api/seckill';
import { createBuyFlow, type BuyFlow, type BuyNotice, type FinalState } from './buyFlow';
import { pollResult } from './pollResult';

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
}

/**
 * The buy flow wired to the API and the browser: one purchase per item at a time across tabs
 * (Web Locks), other tabs told of the outcome (BroadcastChannel), everything stopped on leave.
 */
export function useBuy(opts: UseBuyOptions): BuyFlow & { checkExisting(): Promise<void> } {
  const { goodsId, userId } = opts;
  const channel =
    typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('seckill-buy');
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;

  const flow = createBuyFlow({
    requestPath: (captcha) => requestPath(goodsId, captcha),
    placeOrder: async (path) => {
      await placeOrder(goodsId, path);
    },
    waitForResult: (signal) => pollResult({ fetch: (s) => fetchResult(goodsId, s), signal }),
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
    try {
      flow.restore(await fetchResult(goodsId));
    } catch {
      // Only a convenience: the buy button still works, and the server still refuses a repeat.
    }
  }

  if (channel) {
    channel.onmessage = (e: MessageEvent<TabMessage>) => {
      if (e.data.goodsId === goodsId && e.data.userId === userId && !flow.busy.value) {
        void checkExisting();
      }
    };
  }

  onScopeDispose(() => {
    flow.dispose();
    channel?.close();
  });

  return { ...flow, checkExisting };
}
