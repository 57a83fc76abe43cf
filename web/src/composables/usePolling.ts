import { onScopeDispose, watch } from 'vue';

export interface Polling {
  /** Runs the task now and restarts the wait. */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * Runs `task` every `interval()` ms (null pauses) while the current scope lives: one run at a
 * time, none while the tab is hidden, and none after the page that started it is left.
 */
export function usePolling(task: () => Promise<unknown>, interval: () => number | null): Polling {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let running: Promise<void> | null = null;

  function schedule() {
    clearTimeout(timer);
    timer = undefined;
    const ms = interval();
    if (stopped || ms === null) return;
    timer = setTimeout(() => void run(), ms);
  }

  function run(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) return running;
    if (typeof document !== 'undefined' && document.hidden) {
      schedule();
      return Promise.resolve();
    }
    running = task()
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        running = null;
        schedule();
      });
    return running;
  }

  const onVisible = () => {
    if (!document.hidden && timer !== undefined) void run();
  };
  if (typeof document !== 'undefined') document.addEventListener('visibilitychange', onVisible);
  const unwatch = watch(interval, () => {
    if (!running) schedule();
  });

  function stop() {
    stopped = true;
    clearTimeout(timer);
    timer = undefined;
    unwatch();
    if (typeof document !== 'undefined')
      document.removeEventListener('visibilitychange', onVisible);
  }

  schedule();
  onScopeDispose(stop, true);
  return { refresh: run, stop };
}
