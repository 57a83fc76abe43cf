import {
  apiOrders,
  apiRegister,
  captchaAnswer,
  createSale,
  expect,
  signIn,
  test,
} from '../src/fixtures.ts';

test('a double click on "buy" places one order', async ({ page, request }) => {
  const shopper = await apiRegister(request, 'clicker');
  const sale = await createSale(request, { name: `Double Click Mug ${Date.now()}`, stock: 5 });
  await signIn(page, shopper);

  // Count what the page asks of the server.
  const sent = { path: 0, order: 0 };
  page.on('request', (req) => {
    if (req.method() !== 'POST') return;
    const url = req.url();
    if (url.includes(`/api/seckill/${sale.id}/path`)) sent.path += 1;
    else if (url.includes(`/api/seckill/${sale.id}/`) && url.endsWith('/order')) sent.order += 1;
  });

  await page.goto(`/goods/${sale.id}`);
  await expect(page.getByTestId('stock-left')).toHaveAttribute('data-left', '5');
  await expect(page.getByTestId('captcha-img')).toBeVisible();
  await page.getByTestId('captcha-input').fill(await captchaAnswer(sale.id, shopper.user.id));
  await page.getByTestId('buy-button').dblclick();

  const result = page.getByTestId('buy-result');
  await expect(result).toHaveAttribute('data-state', 'success', { timeout: 20_000 });
  const orderId = (await result.getByTestId('order-id').textContent())?.trim();
  expect(orderId).toBeTruthy();
  // One purchase in the UI: one result, no second attempt shown, and one unit gone.
  await expect(result).toHaveCount(1);
  await expect(page.getByTestId('stock-left')).toHaveAttribute('data-left', '4');
  expect(sent).toEqual({ path: 1, order: 1 });

  // The server agrees: exactly one order of this sale for this shopper.
  const mine = (await apiOrders(request, shopper.token)).filter((o) => o.goodsId === sale.id);
  expect(mine.map((o) => o.id)).toEqual([orderId]);

  // A reload shows the same single order, not a new chance to buy.
  await page.reload();
  await expect(page.getByTestId('buy-result')).toHaveAttribute('data-state', 'success');
  await expect(page.getByTestId('order-id')).toHaveText(orderId ?? '');
  await expect(page.getByTestId('buy-button')).toHaveCount(0);
  expect(sent).toEqual({ path: 1, order: 1 });
});
