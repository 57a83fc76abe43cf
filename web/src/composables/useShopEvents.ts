import type { ShopEventType } from '@seckill/contracts';
import { onScopeDispose, watch } from 'vue';
import { eventStreamUrl, fetchEventTicket } from '@/api/events';
import { serverClock } from './serverClock';
import { createShopEvents, type ShopEventHandler, type ShopEvents } from './shopEvents';

/** The app's one event stream; main.ts starts it while someone is logged in. */
export const shopEvents: ShopEvents = createShopEvents({
  fetchTicket: fetchEventTicket,
  open: (ticket, goods) => new EventSource(eventStreamUrl(ticket, goods)),
  onHello(serverTime, openedAt, receivedAt) {
    // A page that has not read a serverTime yet (My orders) counts down on this one.
    if (!serverClock.synced.value) serverClock.sync(serverTime, openedAt, receivedAt);
  },
});

/** Whether the browser can open an event stream at all (else everything polls). */
export const eventsSupported = typeof EventSource !== 'undefined';

/** Calls `handler` for each pushed event of `type` while the current scope lives. */
export function useShopEvent<T extends ShopEventType>(
  type: T,
  handler: ShopEventHandler<T>,
  events: ShopEvents = shopEvents,
): void {
  onScopeDispose(events.subscribe(type, handler), true);
}

/** Asks for stock events of the sales `ids()` returns while the current scope lives. */
export function useWatchedGoods(ids: () => number[], events: ShopEvents = shopEvents): void {
  let releases: Array<() => void> = [];
  const stop = watch(
    () => ids().join(','),
    () => {
      const next = ids().map((id) => events.watchGoods(id));
      for (const release of releases) release();
      releases = next;
    },
    { immediate: true },
  );
  onScopeDispose(() => {
    stop();
    for (const release of releases) release();
  }, true);
}
