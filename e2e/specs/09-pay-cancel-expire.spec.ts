import type { Page } from '@playwright/test';
import {
  apiOrders,
  apiRegister,
  captchaAnswer,
  createSale,
  expect,
  newContext,
  shot,
  signIn,
  test,
  type AuthResponse,
} from '../src/fixtures.ts';
import { E2E } from '../src/env.ts';

/** Buys the sale's unit on its detail page (the real captcha) and waits for the written order. */
async function buy(page: Page, saleId: number, shopper: AuthResponse): Promise<string> {
  await page.goto(`/goods/${saleId}`);
  await expect(page.getByTestId('app')).toHaveAttribute('data-live', 'true');
  await expect(page.getByTestId('captcha-img')).toBeVisible();
  await page.getByTestId('captcha-input').fill(await captchaAnswer(saleId, shopper.user.id));
  await page.getByTestId('buy-button').click();
  const result = page.getByTestId('buy-result');
  await expect(result).toHaveAttribute('data-state', 'success', { timeout: 20_000 });
  const orderId = (await result.getByTestId('order-id').textContent())?.trim() ?? '';
  expect(orderId).toMatch(/^\d{6,}$/);
  return orderId;
}

const balanceOf = async (page: Page) =>
  Number(await page.getByTestId('wallet-balance').getAttribute('data-balance'));

test('buy, then pay in time: the result is pushed, the wallet pays, the order is paid', async ({
  page,
  request,
}) => {
  const shopper = await apiRegister(request, 'payer');
  const sale = await createSale(request, { stock: 2, price: 59900, seckillPrice: 19900 });
  await signIn(page, shopper);
  // Every request for a result, to check that none is made while the stream is up.
  const polls: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes(`/api/seckill/${sale.id}/result`)) polls.push(r.url());
  });
  const orderId = await buy(page, sale.id, shopper);
  // At most the one read when the page opened: the outcome itself came over the stream.
  expect(polls.length).toBeLessThanOrEqual(1);

  await expect(page.getByTestId('pay-now')).toBeVisible();
  const left = Number(await page.getByTestId('pay-countdown').getAttribute('data-remaining'));
  expect(left).toBeGreaterThan(5);
  expect(left).toBeLessThanOrEqual(E2E.paymentTimeoutMs / 1000);
  await expect(page.getByTestId('wallet-balance')).toHaveAttribute('data-balance', '500000');
  await shot(page, 'pay-now');
  await page.getByTestId('pay-button').click();
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'paid');
  await expect.poll(() => balanceOf(page)).toBe(500000 - 19900);
  const [order] = await apiOrders(request, shopper.token);
  expect(order).toMatchObject({ id: orderId, status: 'paid' });

  await page.goto('/orders');
  const row = page.locator(`[data-test="order-row"][data-order-id="${orderId}"]`);
  await expect(row).toHaveAttribute('data-status', 'paid');
  await page.goto('/wallet');
  const debit = page.locator('[data-test="wallet-entry"][data-kind="debit"]');
  await expect(debit).toHaveCount(1);
  await expect(debit).toHaveAttribute('data-amount', '-19900');
});

test('buy, then cancel: the unit is back on the stock bar and the order says cancelled', async ({
  page,
  request,
}) => {
  const shopper = await apiRegister(request, 'canceller');
  const sale = await createSale(request, { stock: 1 });
  await signIn(page, shopper);
  const orderId = await buy(page, sale.id, shopper);
  await expect(page.getByTestId('stock-left')).toHaveAttribute('data-left', '0');
  await page.getByTestId('cancel-button').click();
  await page.getByTestId('cancel-confirm').click();
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('stock-left')).toHaveAttribute('data-left', '1');
  const [order] = await apiOrders(request, shopper.token);
  expect(order).toMatchObject({ id: orderId, status: 'cancelled' });
  await page.goto('/orders');
  await expect(page.locator(`[data-test="order-row"][data-order-id="${orderId}"]`)).toHaveAttribute(
    'data-status',
    'cancelled',
  );
});

test('an unpaid order expires at its deadline and a second shopper buys the same unit', async ({
  page,
  request,
  browser,
}) => {
  test.setTimeout(E2E.paymentTimeoutMs + 60_000);
  const first = await apiRegister(request, 'dawdler');
  const second = await apiRegister(request, 'patient');
  const sale = await createSale(request, { stock: 1 });
  await signIn(page, first);
  const orderId = await buy(page, sale.id, first);
  await expect(page.getByTestId('pay-now')).toBeVisible();
  // Nobody pays: the deadline passes on the server's clock, the page is told over the stream.
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'expired', {
    timeout: E2E.paymentTimeoutMs + 15_000,
  });
  await expect(page.getByTestId('stock-left')).toHaveAttribute('data-left', '1');
  expect((await apiOrders(request, first.token))[0]).toMatchObject({
    id: orderId,
    status: 'expired',
  });

  const other = await newContext(browser);
  try {
    const page2 = await other.newPage();
    await signIn(page2, second);
    const secondOrder = await buy(page2, sale.id, second);
    expect(secondOrder).not.toBe(orderId);
    await expect(page2.getByTestId('stock-left')).toHaveAttribute('data-left', '0');
  } finally {
    await other.close();
  }
});
