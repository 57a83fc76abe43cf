import { onScopeDispose, shallowRef, type ShallowRef } from 'vue';
import { serverClock, type ServerClock } from './serverClock';

/** The server's time, refreshed every `everyMs` while the current scope lives. */
export function useServerNow(everyMs = 1000, clock: ServerClock = serverClock): ShallowRef<number> {
  const now = shallowRef(clock.now());
  const timer = setInterval(() => {
    now.value = clock.now();
  }, everyMs);
  onScopeDispose(() => clearInterval(timer), true);
  return now;
}
