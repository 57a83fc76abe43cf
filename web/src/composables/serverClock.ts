import { shallowRef, type ShallowRef } from 'vue';

/**
 * The server's clock as seen from the browser. Each API answer that carries `serverTime` gives
 * one sample: the stamp was taken about half a round trip before the answer arrived, so
 * offset = serverTime + rtt/2 − receivedAt. The browser's own clock only ever enters as a
 * difference from itself, so one that is set wrong changes nothing.
 */
export interface ServerClock {
  /** Milliseconds to add to the browser clock to get the server's. */
  readonly offset: ShallowRef<number>;
  readonly synced: ShallowRef<boolean>;
  sync(serverTime: string, sentAt: number, receivedAt: number): void;
  /** The server's time now, in epoch milliseconds. */
  now(): number;
}

export function clockOffset(serverTime: string, sentAt: number, receivedAt: number): number {
  const server = Date.parse(serverTime);
  if (Number.isNaN(server)) throw new Error(`not a time: ${serverTime}`);
  const rtt = Math.max(0, receivedAt - sentAt);
  return server + rtt / 2 - receivedAt;
}

export function createServerClock(browserNow: () => number = () => Date.now()): ServerClock {
  const offset = shallowRef(0);
  const synced = shallowRef(false);
  return {
    offset,
    synced,
    sync(serverTime, sentAt, receivedAt) {
      offset.value = clockOffset(serverTime, sentAt, receivedAt);
      synced.value = true;
    },
    now: () => browserNow() + offset.value,
  };
}

/** The app's one clock: every page that counts down reads the same offset. */
export const serverClock = createServerClock();
