import {
  apiRegister,
  captchaAnswer,
  createSale,
  editSale,
  expect,
  shot,
  signIn,
  test,
  userIdOf,
} from '../src/fixtures.ts';

/** The seconds the page is watched counting down. */
const OPENS_IN_MS = 8_000;
/** Where the sale starts on the server: never by itself during the test, however slow. */
const STARTS_IN_MS = 3600_000;

test('a sale counts down to its opening without a reload, then sells with the real captcha', async ({
  page,
  request,
}) => {
  const shopper = await apiRegister(request, 'buyer');
  const sale = await createSale(request, {
    name: `Countdown Kettle ${Date.now().toString(36)}`,
    stock: 3,
    price: 25900,
    seckillPrice: 9900,
    startAt: new Date(Date.now() + STARTS_IN_MS).toISOString(),
    endAt: new Date(Date.now() + 2 * STARTS_IN_MS).toISOString(),
  });
  // The page's clock is the test's: every second the countdown shows is one the test stepped.
  await page.clock.install();
  await signIn(page, shopper);
  await page.goto(`/goods/${sale.id}`);

  // Before the opening: counting down, nothing to buy yet.
  const countdown = page.getByTestId('countdown');
  await expect(page.getByTestId('goods-name')).toHaveText(sale.name);
  await expect(countdown).toHaveAttribute('data-phase', 'upcoming');
  await expect(countdown).toContainText('Starts in');
  await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'upcoming');
  await expect(page.getByTestId('buy-button')).toBeDisabled();
  await expect(page.getByTestId('buy-button')).toHaveText('Not started yet');
  await expect(page.getByTestId('captcha-img')).toHaveCount(0);
  const remaining = async () => Number(await countdown.getAttribute('data-remaining'));
  /** Moves the page's clock half a second at a time (no second skipped) until it shows `n`. */
  const stepTo = async (n: number) => {
    while ((await remaining()) > n) await page.clock.runFor(500);
  };
  // The page's clock paused and moved on to OPENS_IN_MS before the start. Its reads of the sale
  // fail meanwhile (as offline): each would set its clock back to the server's, an hour before.
  const salePath = `**/api/goods/${sale.id}`;
  await page.route(salePath, (route) => route.abort('aborted'));
  await page.clock.pauseAt(Date.now() + 500);
  await page.clock.fastForward(((await remaining()) - OPENS_IN_MS / 1000) * 1000);
  // Every value the countdown shows from here on, recorded in the page (the test's own timing
  // cannot miss one). Anything that reloads the page loses the record.
  const start = await page.evaluate(() => {
    const seen: string[] = [];
    const el = document.querySelector('[data-test="countdown"]');
    const note = () => {
      const now = `${el?.getAttribute('data-phase')}:${el?.getAttribute('data-remaining')}`;
      if (seen.at(-1) !== now) seen.push(now);
    };
    note();
    if (el) new MutationObserver(note).observe(el, { attributes: true });
    Object.assign(window, { __countdown: seen });
    return seen[0] ?? '';
  });
  expect(start).toMatch(/^upcoming:\d+$/);
  const first = Number(start.split(':')[1]);
  expect(first).toBeGreaterThan(1);
  expect(first).toBeLessThanOrEqual(OPENS_IN_MS / 1000);
  await stepTo(first - 1);
  expect(await remaining()).toBeLessThan(first);
  await shot(page, 'detail-countdown');

  // Zero: the server opens the sale (moved to now) as the page's clock reaches it; the page reads
  // it, the clock now counts to the end, the buy area appears.
  await stepTo(1);
  await editSale(request, sale, { startAt: new Date().toISOString() });
  await page.unroute(salePath);
  await page.clock.runFor(1000);
  await page.clock.resume();
  await expect(countdown).toHaveAttribute('data-phase', 'active');
  await expect(countdown).toContainText('Ends in');
  expect(await remaining()).toBeGreaterThan(3000);
  await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'active');
  await expect(page.getByTestId('captcha-img')).toBeVisible();
  await expect(page.getByTestId('buy-button')).toBeEnabled();
  await expect(page.getByTestId('buy-button')).toHaveText('Buy for ¥99.00');
  // upcoming:N, N-1 … 1, then active with about an hour to go: all in this one document.
  const seen = await page.evaluate(() => (window as { __countdown?: string[] }).__countdown ?? []);
  const upcoming = seen.filter((v) => v.startsWith('upcoming:')).map((v) => Number(v.slice(9)));
  expect([...new Set(upcoming)].sort((x, y) => y - x)).toEqual(
    Array.from({ length: first }, (_, i) => first - i),
  );
  expect(upcoming.at(-1)).toBe(1);
  expect(seen[upcoming.length]).toMatch(/^active:\d{4}$/);

  // The code is drawn at 200×64 CSS px, and "New code" shows another: the answer read below is its.
  const picture = page.getByTestId('captcha-img');
  const drawn = await picture.boundingBox();
  expect([drawn?.width, drawn?.height]).toEqual([200, 64]);
  const firstCode = (await picture.getAttribute('src')) ?? '';
  const newCode = page.getByTestId('captcha-new');
  await expect(newCode).toBeVisible();
  await expect(newCode).toHaveAccessibleName('New code');
  await newCode.click();
  await expect(picture).not.toHaveAttribute('src', firstCode);
  await shot(page, 'detail-captcha');

  // The code in the picture, as the server keeps it for this shopper and sale.
  const userId = await userIdOf(page);
  expect(userId).toBe(shopper.user.id);
  await page.getByTestId('captcha-input').fill(await captchaAnswer(sale.id, userId));
  await page.getByTestId('buy-button').click();

  const result = page.getByTestId('buy-result');
  await expect(result).toHaveAttribute('data-state', 'success', { timeout: 20_000 });
  const orderId = (await result.getByTestId('order-id').textContent())?.trim() ?? '';
  expect(orderId).toMatch(/^\d{6,}$/);
  await expect(result).toContainText('Success! Your order number is');
  await expect(page.getByTestId('buy-button')).toHaveCount(0);
  await expect(page.getByTestId('stock-left')).toHaveAttribute('data-left', '2');
  await shot(page, 'buy-success');

  await result.getByRole('link', { name: 'See it in My orders' }).click();
  await expect(page).toHaveURL(/\/orders$/);
  const row = page.locator(`[data-test="order-row"][data-order-id="${orderId}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId('order-id')).toHaveText(orderId);
  await expect(row).toContainText(sale.name);
  await expect(row).toContainText('¥99.00');
  await expect(page.getByTestId('order-row')).toHaveCount(1);
  await shot(page, 'orders');
});
