import type { Order } from '@seckill/contracts';
import { shallowRef } from 'vue';
import { toApiError, type ApiError } from '@/api/errors';
import { cancelOrder, payOrder } from '@/api/orders';
import { useWalletStore } from '@/stores/wallet';

export type OrderAction = 'pay' | 'cancel';
export interface ActionOutcome {
  /** The order as the server now has it. */
  item: Order | null;
  error: ApiError | null;
}

/** Pay and cancel, one action per order at a time; the wallet is re-read after a payment. */
export function useOrderActions() {
  const wallet = useWalletStore();
  /** What is under way, by order id. */
  const working = shallowRef<Readonly<Record<string, OrderAction>>>({});

  async function run(id: string, action: OrderAction): Promise<ActionOutcome> {
    if (working.value[id]) return { item: null, error: null };
    working.value = { ...working.value, [id]: action };
    try {
      const { item } = action === 'pay' ? await payOrder(id) : await cancelOrder(id);
      if (action === 'pay') void wallet.refresh();
      return { item, error: null };
    } catch (err) {
      const error = toApiError(err);
      if (error.code === 'INSUFFICIENT_FUNDS') void wallet.refresh();
      return { item: null, error };
    } finally {
      const { [id]: _done, ...rest } = working.value;
      working.value = rest;
    }
  }

  return {
    working,
    pay: (id: string) => run(id, 'pay'),
    cancel: (id: string) => run(id, 'cancel'),
  };
}
