import { computed } from 'vue';
import type { PaymentPhase } from './orderPayment';
import { usePolling, type Polling } from './usePolling';
import { shopEvents, useShopEvent } from './useShopEvents';
import type { ShopEvents } from './shopEvents';

/**
 * Loads orders now and keeps them current while the current scope lives. Changes are pushed;
 * without the stream a pending order is re-read now and then. Past a deadline the server expires
 * the order shortly: read until it has. `phases()` is null while there is nothing loaded.
 */
export function useOrderPolling(
  load: () => Promise<void>,
  phases: () => readonly PaymentPhase[] | null,
  events: ShopEvents = shopEvents,
): Polling {
  const interval = computed(() => {
    const current = phases();
    if (!current) return null;
    const live = events.connected.value;
    if (current.includes('overdue')) return live ? 10_000 : 3000;
    if (current.includes('pending') && !live) return 15_000;
    return null;
  });
  const polling = usePolling(load, () => interval.value);
  void polling.refresh();
  // Whatever changed while the stream was down.
  useShopEvent('hello', () => void polling.refresh(), events);
  return polling;
}
