import {
  apiOrders,
  apiRegister,
  bearer,
  captchaAnswer,
  createSale,
  expect,
  newContext,
  signIn,
  test,
} from '../src/fixtures.ts';

test('the last unit sells and the next shopper sees "sold out"', async ({
  page,
  request,
  browser,
  guard,
}) => {
  const first = await apiRegister(request, 'first');
  const second = await apiRegister(request, 'second');
  const sale = await createSale(request, { name: `Last One Lamp ${Date.now()}`, stock: 1 });
  const detail = `/goods/${sale.id}`;

  // Shopper B has the page open, code typed, while one unit is left. B's page then stops
  // refreshing, as a page between two refreshes would: its clock is paused (no polling) and it
  // has no push stream (the ticket is refused, so stock events cannot arrive ahead of the click).
  const slow = await newContext(browser);
  await slow.route('**/api/events/ticket', (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({
        code: 'RETRY',
        message: 'The service is busy; please try again in a moment.',
      }),
    }),
  );
  guard.allow(503, '/api/events/ticket');
  // A fresh visit by B afterwards, in a browser of its own.
  const fresh = await newContext(browser);
  try {
    const late = await slow.newPage();
    guard.watch(late);
    await late.clock.install();
    await signIn(late, second);
    await late.goto(detail);
    await expect(late.getByTestId('stock-left')).toHaveAttribute('data-left', '1');
    await expect(late.getByTestId('captcha-img')).toBeVisible();
    await late.getByTestId('captcha-input').fill(await captchaAnswer(sale.id, second.user.id));
    await late.clock.pauseAt(Date.now() + 500);

    // Shopper A takes the only unit.
    await signIn(page, first);
    await page.goto(detail);
    await expect(page.getByTestId('stock-left')).toHaveAttribute('data-left', '1');
    await expect(page.getByTestId('captcha-img')).toBeVisible();
    await page.getByTestId('captcha-input').fill(await captchaAnswer(sale.id, first.user.id));
    await page.getByTestId('buy-button').click();
    await expect(page.getByTestId('buy-result')).toHaveAttribute('data-state', 'success', {
      timeout: 20_000,
    });
    await expect(page.getByTestId('stock-left')).toHaveAttribute('data-left', '0');
    // A pays at once: unpaid, the unit would go back on sale at the e2e app's 30 s deadline,
    // and a slow run would then sell it to B.
    const [bought] = await apiOrders(request, first.token);
    const paid = await request.post(`/api/orders/${bought?.id}/pay`, {
      headers: bearer(first.token),
    });
    expect(paid.status()).toBe(200);

    // B still sees a buy button and presses it: the shop answers 409, the page says sold out.
    guard.allow(409, `/api/seckill/${sale.id}/path`);
    await expect(late.getByTestId('stock-left')).toHaveAttribute('data-left', '1');
    await late.getByTestId('buy-button').click();
    const result = late.getByTestId('buy-result');
    await expect(result).toHaveAttribute('data-state', 'sold_out');
    await expect(result).toContainText('Sorry, it sold out before your order was placed.');
    await expect(late.getByTestId('buy-button')).toBeDisabled();
    await expect(late.getByTestId('buy-button')).toHaveText('Sold out');
    await expect(late.getByTestId('status-tag')).toHaveAttribute('data-status', 'sold_out');
    await expect(late.getByTestId('stock-left')).toHaveAttribute('data-left', '0');

    // Coming back later, B finds it sold out on the list and on its page, with nothing to buy.
    const again = await fresh.newPage();
    guard.watch(again);
    await signIn(again, second);
    await again.goto('/');
    const card = again.locator(`[data-test="goods-card"][data-id="${sale.id}"]`);
    await expect(card).toHaveAttribute('data-status', 'sold_out');
    await expect(card.getByTestId('status-tag')).toHaveText('Sold out');
    await expect(card.getByTestId('stock-left')).toHaveAttribute('data-left', '0');
    await card.click();
    await expect(again).toHaveURL(new RegExp(`${detail}$`));
    await expect(again.getByTestId('status-tag')).toHaveAttribute('data-status', 'sold_out');
    await expect(again.getByTestId('buy-button')).toBeDisabled();
    await expect(again.getByTestId('buy-button')).toHaveText('Sold out');
    await expect(again.getByTestId('captcha-input')).toHaveCount(0);
  } finally {
    await slow.close();
    await fresh.close();
  }

  // One unit, one order: A has it, B has nothing.
  const ordersOfA = await apiOrders(request, first.token);
  expect(ordersOfA.filter((o) => o.goodsId === sale.id)).toHaveLength(1);
  expect(await apiOrders(request, second.token)).toEqual([]);
});
