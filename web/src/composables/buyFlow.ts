import type { OrderResult } from '@seckill/contracts';
import { computed, shallowRef, type ComputedRef, type ShallowRef } from 'vue';
import { toApiError, type AnyErrorCode } from '@/api/errors';
import type { PollOutcome } from './pollResult';

/** Why the flow stopped short: an API code, or one of the flow's own. */
export type BuyNoticeCode =
  AnyErrorCode | 'CAPTCHA_EMPTY' | 'BUSY_ELSEWHERE' | 'ORDER_FAILED' | 'ORDER_VOIDED' | 'GAVE_UP';

export interface BuyNotice {
  code: BuyNoticeCode;
  /** The server's own words, shown when the code has no translation. */
  message: string;
}

/**
 * idle → locked → path → ordering → queued → success | sold_out | repeat | error.
 * A retryable failure goes back to idle with a notice; everything else is final.
 */
export type BuyState =
  | { kind: 'idle'; notice?: BuyNotice }
  | { kind: 'locked' }
  | { kind: 'path' }
  | { kind: 'ordering' }
  | { kind: 'queued' }
  | { kind: 'success'; orderId: string }
  | { kind: 'sold_out' }
  | { kind: 'repeat' }
  | { kind: 'error'; notice: BuyNotice };

export type BuyKind = BuyState['kind'];
export type FinalState = Extract<BuyState, { kind: 'success' | 'sold_out' | 'repeat' | 'error' }>;

export interface BuyDeps {
  requestPath(captcha: string): Promise<string>;
  placeOrder(path: string): Promise<void>;
  waitForResult(signal: AbortSignal): Promise<PollOutcome>;
  /** Runs the purchase alone across tabs; resolves false, without running it, if another holds it. */
  exclusive?: (run: () => Promise<void>) => Promise<boolean>;
  /** After a retryable failure, e.g. to show a fresh captcha (the old answer is spent). */
  onRetryable?: (notice: BuyNotice) => void;
  /** When a final state is reached, e.g. to tell other tabs and refresh the stock. */
  onFinal?: (state: FinalState) => void;
}

export interface BuyFlow {
  state: ShallowRef<BuyState>;
  /** True from the click until a final state or back to idle: the button stays locked. */
  busy: ComputedRef<boolean>;
  /** Starts a purchase; returns false (and does nothing) unless idle. */
  buy(captcha: string): boolean;
  /** Picks up what the server already knows about this buyer (after a reload or in a second tab). */
  restore(result: OrderResult): void;
  /** Asks again after the flow gave up waiting. */
  resume(): void;
  /** The order was cancelled or expired: back to idle, so the shopper may buy again. */
  release(): void;
  dispose(): void;
}

const BUSY_KINDS: ReadonlySet<BuyKind> = new Set(['locked', 'path', 'ordering', 'queued']);
const MESSAGES: Record<
  'CAPTCHA_EMPTY' | 'BUSY_ELSEWHERE' | 'ORDER_FAILED' | 'ORDER_VOIDED' | 'GAVE_UP',
  string
> = {
  CAPTCHA_EMPTY: 'Enter the characters shown in the picture.',
  BUSY_ELSEWHERE: 'A purchase of this item is already under way in another tab.',
  ORDER_FAILED: 'The order could not be completed; please try again.',
  ORDER_VOIDED: 'The order was cancelled by the shop; please try again.',
  GAVE_UP: 'Your order is still being processed; check My orders in a moment.',
};

/** API codes that end the attempt for good: trying again cannot help. */
const FINAL_CODES: ReadonlySet<AnyErrorCode> = new Set([
  'ENDED',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHORIZED',
  'TOKEN_INVALID',
]);

export function isFinal(s: BuyState): s is FinalState {
  return s.kind === 'success' || s.kind === 'sold_out' || s.kind === 'repeat' || s.kind === 'error';
}

function notice(code: keyof typeof MESSAGES): BuyNotice {
  return { code, message: MESSAGES[code] };
}

export function createBuyFlow(deps: BuyDeps): BuyFlow {
  const state = shallowRef<BuyState>({ kind: 'idle' });
  const busy = computed(() => BUSY_KINDS.has(state.value.kind));
  const controller = new AbortController();

  function set(next: BuyState) {
    if (controller.signal.aborted) return;
    state.value = next;
    if (isFinal(next)) deps.onFinal?.(next);
  }

  function retry(n: BuyNotice) {
    set({ kind: 'idle', notice: n });
    if (!controller.signal.aborted) deps.onRetryable?.(n);
  }

  async function wait() {
    set({ kind: 'queued' });
    const outcome = await deps.waitForResult(controller.signal);
    switch (outcome.status) {
      case 'success':
        return set({ kind: 'success', orderId: outcome.orderId });
      case 'sold_out':
        return set({ kind: 'sold_out' });
      case 'failed':
        return retry(notice('ORDER_FAILED'));
      case 'none':
        return retry(notice('ORDER_VOIDED'));
      case 'gave_up':
        return set({ kind: 'error', notice: notice('GAVE_UP') });
      case 'aborted':
        return;
    }
  }

  async function attempt(captcha: string) {
    set({ kind: 'path' });
    const path = await deps.requestPath(captcha);
    set({ kind: 'ordering' });
    await deps.placeOrder(path);
    await wait();
  }

  function fail(err: unknown) {
    if (controller.signal.aborted) return;
    const error = toApiError(err);
    if (error.code === 'CANCELED') return retry({ code: 'CANCELED', message: error.message });
    if (error.code === 'SOLD_OUT') return set({ kind: 'sold_out' });
    if (error.code === 'REPEAT') return set({ kind: 'repeat' });
    const n: BuyNotice = { code: error.code, message: error.message };
    if (FINAL_CODES.has(error.code)) return set({ kind: 'error', notice: n });
    retry(n);
  }

  async function run(captcha: string) {
    try {
      const ran = deps.exclusive
        ? await deps.exclusive(() => attempt(captcha))
        : (await attempt(captcha), true);
      if (!ran) retry(notice('BUSY_ELSEWHERE'));
    } catch (err) {
      fail(err);
    }
  }

  return {
    state,
    busy,
    buy(captcha) {
      if (state.value.kind !== 'idle' || controller.signal.aborted) return false;
      const answer = captcha.trim();
      if (!answer) {
        state.value = { kind: 'idle', notice: notice('CAPTCHA_EMPTY') };
        return false;
      }
      state.value = { kind: 'locked' };
      void run(answer);
      return true;
    },
    restore(result) {
      if (state.value.kind !== 'idle') return;
      if (result.status === 'success') set({ kind: 'success', orderId: result.orderId ?? '' });
      else if (result.status === 'sold_out') set({ kind: 'sold_out' });
      else if (result.status === 'queued') void wait().catch(fail);
    },
    resume() {
      const s = state.value;
      if (s.kind === 'error' && s.notice.code === 'GAVE_UP') void wait().catch(fail);
    },
    release() {
      const kind = state.value.kind;
      if (kind === 'success' || kind === 'repeat') set({ kind: 'idle' });
    },
    dispose() {
      controller.abort();
    },
  };
}
