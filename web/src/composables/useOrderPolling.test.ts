import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, shallowRef } from 'vue';
import type { PaymentPhase } from './orderPayment';
import type { ShopEvents } from './shopEvents';
import { useOrderPolling } from './useOrderPolling';

/** Just enough of the event stream: whether it is up, and a way to send a hello. */
function fakeEvents() {
  const hello = new Set<() => void>();
  const events = {
    connected: shallowRef(false),
    subscribe: (type: string, handler: () => void) => {
      if (type === 'hello') hello.add(handler);
      return () => hello.delete(handler);
    },
  } as unknown as ShopEvents;
  return { events, sayHello: () => hello.forEach((h) => h()) };
}

function start(phases: PaymentPhase[] | null, live: boolean) {
  const load = vi.fn(async () => {});
  const { events, sayHello } = fakeEvents();
  events.connected.value = live;
  const scope = effectScope();
  scope.run(() => useOrderPolling(load, () => phases, events));
  return { load, sayHello, scope };
}

describe('useOrderPolling', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each<{ when: string; phases: PaymentPhase[] | null; live: boolean; loads: number }>([
    { when: 'nothing is loaded', phases: null, live: false, loads: 1 },
    { when: 'nothing can change', phases: ['paid', 'cancelled', 'expired'], live: false, loads: 1 },
    { when: 'a pending order is pushed', phases: ['pending'], live: true, loads: 1 },
    // Every 15 s: at 0, 15, 30 and 45 s.
    { when: 'a pending order is not pushed', phases: ['paid', 'pending'], live: false, loads: 4 },
    // Past a deadline every 10 s while pushed, every 3 s without.
    { when: 'an order is overdue, pushed', phases: ['overdue'], live: true, loads: 5 },
    {
      when: 'an order is overdue, not pushed',
      phases: ['pending', 'overdue'],
      live: false,
      loads: 16,
    },
  ])('loads $loads times in 45 s when $when', async ({ phases, live, loads }) => {
    const { load, scope } = start(phases, live);
    await vi.advanceTimersByTimeAsync(45_000);
    expect(load).toHaveBeenCalledTimes(loads);
    scope.stop();
  });

  it('reads again on each hello (what changed while disconnected) until its scope ends', async () => {
    const { load, sayHello, scope } = start(['paid'], true);
    await vi.advanceTimersByTimeAsync(0);
    sayHello();
    await vi.advanceTimersByTimeAsync(0);
    expect(load).toHaveBeenCalledTimes(2);
    scope.stop();
    sayHello();
    expect(load).toHaveBeenCalledTimes(2);
  });
});
