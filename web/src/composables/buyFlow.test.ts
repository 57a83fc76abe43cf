import { describe, expect, it, vi } from 'vitest';
import { watch } from 'vue';
import { ApiError } from '@/api/errors';
import { createBuyFlow, type BuyDeps, type BuyKind, type BuyState } from './buyFlow';
import type { PollOutcome } from './pollResult';

/** A promise the test settles by hand, to hold the flow in a state. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

function setup(overrides: Partial<BuyDeps> = {}) {
  const deps = {
    requestPath: vi.fn(async (_captcha: string) => 'p'.repeat(32)),
    placeOrder: vi.fn(async (_path: string) => {}),
    waitForResult: vi.fn(async (_signal: AbortSignal): Promise<PollOutcome> => ({
      status: 'success',
      orderId: '42',
    })),
    onRetryable: vi.fn(),
    onFinal: vi.fn(),
    ...overrides,
  };
  const flow = createBuyFlow(deps);
  const kinds: BuyKind[] = [];
  watch(flow.state, (s: BuyState) => kinds.push(s.kind), { flush: 'sync' });
  return { flow, deps, kinds };
}

const apiError = (code: ApiError['code'], status: number) =>
  new ApiError(code, `server: ${code}`, status);

describe('buy flow', () => {
  it('goes idle → locked → path → ordering → queued → success with the order number', async () => {
    const { flow, deps, kinds } = setup();
    expect(flow.state.value.kind).toBe('idle');
    expect(flow.buy(' ab12 ')).toBe(true);
    await flush();
    expect(kinds).toEqual(['locked', 'path', 'ordering', 'queued', 'success']);
    expect(flow.state.value).toEqual({ kind: 'success', orderId: '42' });
    expect(deps.requestPath).toHaveBeenCalledWith('ab12');
    expect(deps.placeOrder).toHaveBeenCalledWith('p'.repeat(32));
    expect(deps.onFinal).toHaveBeenCalledTimes(1);
    expect(flow.busy.value).toBe(false);
  });

  it('locks at once: a second click while locked sends nothing more', async () => {
    const path = deferred<string>();
    const { flow, deps, kinds } = setup({ requestPath: vi.fn(() => path.promise) });
    expect(flow.buy('ab12')).toBe(true);
    // Locked synchronously: no await between the click and the lock.
    expect(kinds[0]).toBe('locked');
    expect(flow.busy.value).toBe(true);
    expect(flow.buy('ab12')).toBe(false);
    await flush();
    expect(flow.state.value.kind).toBe('path');
    expect(flow.buy('ab12')).toBe(false);
    path.resolve('x'.repeat(32));
    await flush();
    expect(flow.buy('ab12')).toBe(false);
    expect(deps.requestPath).toHaveBeenCalledTimes(1);
    expect(deps.placeOrder).toHaveBeenCalledTimes(1);
  });

  it('asks for the captcha answer before sending anything', () => {
    const { flow, deps } = setup();
    expect(flow.buy('   ')).toBe(false);
    expect(flow.state.value).toMatchObject({ kind: 'idle', notice: { code: 'CAPTCHA_EMPTY' } });
    expect(deps.requestPath).not.toHaveBeenCalled();
  });

  it('ends in sold_out when the order is refused as sold out', async () => {
    const { flow, kinds } = setup({
      placeOrder: vi.fn(async () => {
        throw apiError('SOLD_OUT', 409);
      }),
    });
    flow.buy('ab12');
    await flush();
    expect(kinds).toEqual(['locked', 'path', 'ordering', 'sold_out']);
    expect(flow.buy('ab12')).toBe(false);
  });

  it('ends in repeat when the buyer already has one', async () => {
    const { flow } = setup({
      placeOrder: vi.fn(async () => {
        throw apiError('REPEAT', 409);
      }),
    });
    flow.buy('ab12');
    await flush();
    expect(flow.state.value.kind).toBe('repeat');
  });

  it('ends in sold_out when the queue says none were left for this order', async () => {
    const { flow, kinds } = setup({
      waitForResult: vi.fn(async () => ({ status: 'sold_out' as const })),
    });
    flow.buy('ab12');
    await flush();
    expect(kinds.at(-2)).toBe('queued');
    expect(flow.state.value.kind).toBe('sold_out');
  });

  it.each([
    ['BAD_CAPTCHA', 403],
    ['BAD_PATH', 403],
    ['RATE_LIMITED', 429],
    ['RETRY', 503],
    ['NETWORK', 0],
  ] as const)('returns to idle with a message after a retryable %s', async (code, status) => {
    const { flow, deps } = setup({
      requestPath: vi.fn(async () => {
        throw apiError(code, status);
      }),
    });
    flow.buy('ab12');
    await flush();
    expect(flow.state.value).toEqual({
      kind: 'idle',
      notice: { code, message: `server: ${code}` },
    });
    expect(flow.busy.value).toBe(false);
    expect(deps.onRetryable).toHaveBeenCalledTimes(1);
    expect(deps.onFinal).not.toHaveBeenCalled();
    // And the button works again.
    vi.mocked(deps.requestPath).mockResolvedValueOnce('y'.repeat(32));
    expect(flow.buy('cd34')).toBe(true);
    await flush();
    expect(flow.state.value.kind).toBe('success');
  });

  it('returns to idle when the queued order failed, so it can be tried again', async () => {
    const { flow } = setup({ waitForResult: vi.fn(async () => ({ status: 'failed' as const })) });
    flow.buy('ab12');
    await flush();
    expect(flow.state.value).toMatchObject({ kind: 'idle', notice: { code: 'ORDER_FAILED' } });
  });

  it('stops for good on a final error such as an ended sale', async () => {
    const { flow, deps } = setup({
      placeOrder: vi.fn(async () => {
        throw apiError('ENDED', 403);
      }),
    });
    flow.buy('ab12');
    await flush();
    expect(flow.state.value).toMatchObject({ kind: 'error', notice: { code: 'ENDED' } });
    expect(flow.buy('ab12')).toBe(false);
    expect(deps.onRetryable).not.toHaveBeenCalled();
    expect(deps.onFinal).toHaveBeenCalledTimes(1);
  });

  it('sends nothing while another tab holds the purchase', async () => {
    const { flow, deps } = setup({ exclusive: vi.fn(async () => false) });
    flow.buy('ab12');
    await flush();
    expect(deps.requestPath).not.toHaveBeenCalled();
    expect(flow.state.value).toMatchObject({ kind: 'idle', notice: { code: 'BUSY_ELSEWHERE' } });
  });

  it('runs inside the cross-tab lock when it gets it', async () => {
    const exclusive = vi.fn(async (run: () => Promise<void>) => {
      await run();
      return true;
    });
    const { flow, deps } = setup({ exclusive });
    flow.buy('ab12');
    await flush();
    expect(exclusive).toHaveBeenCalledTimes(1);
    expect(deps.placeOrder).toHaveBeenCalledTimes(1);
    expect(flow.state.value.kind).toBe('success');
  });

  it('after giving up on the queue, can be asked to check again', async () => {
    const waitForResult = vi
      .fn<(s: AbortSignal) => Promise<PollOutcome>>()
      .mockResolvedValueOnce({ status: 'gave_up' })
      .mockResolvedValueOnce({ status: 'success', orderId: '7' });
    const { flow, deps } = setup({ waitForResult });
    flow.buy('ab12');
    await flush();
    expect(flow.state.value).toMatchObject({ kind: 'error', notice: { code: 'GAVE_UP' } });
    flow.resume();
    expect(flow.state.value.kind).toBe('queued');
    await flush();
    expect(flow.state.value).toEqual({ kind: 'success', orderId: '7' });
    expect(deps.placeOrder).toHaveBeenCalledTimes(1);
  });

  it('picks up an earlier success or a queued order', async () => {
    const done = setup();
    done.flow.restore({ status: 'success', orderId: '99' });
    expect(done.flow.state.value).toEqual({ kind: 'success', orderId: '99' });

    const queued = setup();
    queued.flow.restore({ status: 'queued' });
    expect(queued.flow.state.value.kind).toBe('queued');
    await flush();
    expect(queued.flow.state.value).toEqual({ kind: 'success', orderId: '42' });

    const none = setup();
    none.flow.restore({ status: 'none' });
    expect(none.flow.state.value).toEqual({ kind: 'idle' });
  });

  it('returns to idle when the order is released (cancelled or expired), and buys again', async () => {
    const { flow, deps, kinds } = setup();
    flow.restore({ status: 'success', orderId: '99' });
    flow.release();
    expect(flow.state.value).toEqual({ kind: 'idle' });
    expect(flow.busy.value).toBe(false);
    expect(flow.buy('ab12')).toBe(true);
    await flush();
    expect(kinds.slice(-5)).toEqual(['locked', 'path', 'ordering', 'queued', 'success']);
    expect(deps.placeOrder).toHaveBeenCalledTimes(1);
  });

  it('releases only a settled order: not while buying, nor after a sell-out', async () => {
    const path = deferred<string>();
    const { flow } = setup({ requestPath: vi.fn(() => path.promise) });
    flow.buy('ab12');
    flow.release();
    expect(flow.busy.value).toBe(true);
    path.resolve('x'.repeat(32));
    await flush();
    expect(flow.state.value.kind).toBe('success');

    const soldOut = setup({ waitForResult: vi.fn(async () => ({ status: 'sold_out' as const })) });
    soldOut.flow.buy('ab12');
    await flush();
    soldOut.flow.release();
    expect(soldOut.flow.state.value.kind).toBe('sold_out');
  });

  it('changes nothing after dispose (the page was left mid-wait)', async () => {
    const result = deferred<PollOutcome>();
    const { flow, deps } = setup({ waitForResult: vi.fn(() => result.promise) });
    flow.buy('ab12');
    await flush();
    expect(flow.state.value.kind).toBe('queued');
    flow.dispose();
    const signal = vi.mocked(deps.waitForResult).mock.calls[0]?.[0];
    expect(signal?.aborted).toBe(true);
    result.resolve({ status: 'success', orderId: '1' });
    await flush();
    expect(flow.state.value.kind).toBe('queued');
    expect(deps.onFinal).not.toHaveBeenCalled();
  });
});
