export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** Polls `cond` until it holds; throws after `ms` naming what was awaited. */
export async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  ms: number,
  everyMs = 20,
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
