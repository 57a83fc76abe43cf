import { onScopeDispose, shallowRef, type ShallowRef } from 'vue';
import type { ServerClock } from './serverClock';

export type SalePhase = 'upcoming' | 'active' | 'ended';

/** Where a sale stands at a moment of the server's clock; stock decides sold-out separately. */
export function salePhase(now: number, startAt: number, endAt: number): SalePhase {
  if (now < startAt) return 'upcoming';
  if (now >= endAt) return 'ended';
  return 'active';
}

export interface Duration {
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/** Splits what is left into whole units, rounding up so "00:00:00" means it is over. */
export function splitDuration(ms: number): Duration {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return {
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3600),
    minutes: Math.floor((total % 3600) / 60),
    seconds: total % 60,
  };
}

export interface CountdownOptions {
  clock: ServerClock;
  /** Start and end of the sale, epoch ms; null while not known. */
  window: () => { startAt: number; endAt: number } | null;
  /** Called once each time the phase changes while counting (the sale opens or closes). */
  onPhaseChange?: (phase: SalePhase) => void;
  tickMs?: number;
}

export interface Countdown {
  phase: ShallowRef<SalePhase | null>;
  /** Milliseconds to the next boundary: the start while upcoming, the end while active. */
  remaining: ShallowRef<number>;
  /** Recomputes now (after the window or the clock changed). */
  update(): void;
  stop(): void;
}

/** Counts down to a sale's start or end on the server's clock; stops with its scope. */
export function useCountdown(opts: CountdownOptions): Countdown {
  const phase = shallowRef<SalePhase | null>(null);
  const remaining = shallowRef(0);

  function update() {
    const w = opts.window();
    if (!w) {
      phase.value = null;
      remaining.value = 0;
      return;
    }
    const now = opts.clock.now();
    const next = salePhase(now, w.startAt, w.endAt);
    remaining.value = next === 'upcoming' ? w.startAt - now : next === 'active' ? w.endAt - now : 0;
    const previous = phase.value;
    phase.value = next;
    if (previous !== null && previous !== next) opts.onPhaseChange?.(next);
  }

  update();
  const timer = setInterval(update, opts.tickMs ?? 250);
  const stop = () => clearInterval(timer);
  onScopeDispose(stop, true);
  return { phase, remaining, update, stop };
}
