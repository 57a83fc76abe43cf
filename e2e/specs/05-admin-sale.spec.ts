import { type Locator } from '@playwright/test';
import { E2E } from '../src/env.ts';
import { adminAuth, expect, shot, signIn, test } from '../src/fixtures.ts';

/** "YYYY-MM-DD HH:mm:ss" in the browser's time zone: what the date pickers take. */
function pickerText(ms: number): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: E2E.timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(ms);
}

async function typeDate(wrapper: Locator, text: string) {
  const input = wrapper.locator('input');
  await input.click();
  await input.fill(text);
  await input.press('Enter');
  await expect(input).toHaveValue(text);
}

test('an admin creates a sale in the form, resets its stock, and the shop shows it', async ({
  page,
  request,
}) => {
  const admin = await adminAuth(request);
  const name = `Admin Form Teapot ${Date.now().toString(36)}`;
  const description = 'Cast iron, 1.2 L. Made in the admin form by a browser test.';
  const startAt = Math.floor(Date.now() / 1000) * 1000 - 120_000;
  const endAt = startAt + 3 * 3600_000;

  await signIn(page, admin);
  await page.goto('/');
  await page.getByTestId('nav-admin').click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId('admin-updated')).toBeVisible();
  await expect(page.getByTestId('queue-consumers')).toContainText(/[1-9]/); // the order consumer is up
  await shot(page, 'admin');

  await page.getByTestId('admin-create').click();
  await expect(page).toHaveURL(/\/admin\/sales\/new$/);
  await page.getByTestId('form-name').fill(name);
  await page.getByTestId('form-description').fill(description);
  await page.getByTestId('form-image-laptop').click();
  await expect(page.getByTestId('form-image-laptop')).toHaveAttribute('aria-checked', 'true');
  await page.getByTestId('form-price').fill('1299');
  await page.getByTestId('form-seckill-price').fill('499.5');
  await page.getByTestId('form-stock').locator('input').fill('20');
  await typeDate(page.getByTestId('form-start'), pickerText(startAt));
  await typeDate(page.getByTestId('form-end'), pickerText(endAt));
  await expect(page.getByTestId('form-time-zone')).toHaveText(
    'Times are in your time zone, GMT+8.',
  );
  // A new sale has a waiting room unless the admin switches it off.
  await expect(page.getByRole('switch', { name: 'Waiting room' })).toBeChecked();
  await page.getByRole('heading', { name: 'New sale' }).click(); // closes a picker left open
  await shot(page, 'admin-form');
  await page.getByTestId('form-submit').click();

  // Back on the dashboard with the new sale in the table.
  await expect(page.getByRole('alert').filter({ hasText: 'Sale created.' })).toBeVisible();
  await expect(page).toHaveURL(/\/admin$/);
  const row = page.getByTestId('admin-row').filter({ hasText: name });
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('admin-name')).toHaveText(name);
  await expect(row.getByTestId('status-tag')).toHaveAttribute('data-status', 'active');
  await expect(row.getByTestId('admin-stock')).toHaveText('20');
  await expect(row.getByTestId('admin-left-redis')).toHaveText('20');
  await expect(row.getByTestId('admin-left-db')).toHaveText('20');
  await expect(row.getByTestId('admin-orders')).toHaveText('0');
  await expect(row.getByTestId('admin-room-waiting')).toContainText(/Waiting\s*0$/);
  const id = await row.getAttribute('data-id');
  expect(id).toMatch(/^\d+$/);

  // Reset the stock through the confirmation dialog; cancelling first changes nothing.
  await row.getByTestId('admin-reset').click();
  const dialog = page.getByTestId('reset-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('reset-stock').locator('input')).toHaveValue('20');
  await dialog.getByTestId('reset-stock').locator('input').fill('7');
  await dialog.getByTestId('reset-cancel').click();
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId('admin-stock')).toHaveText('20');

  await row.getByTestId('admin-reset').click();
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('reset-stock').locator('input').fill('7');
  await dialog.getByTestId('reset-confirm').click();
  await expect(page.getByRole('alert').filter({ hasText: 'Stock reset to 7.' })).toBeVisible();
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId('admin-stock')).toHaveText('7');
  await expect(row.getByTestId('admin-left-redis')).toHaveText('7');
  await expect(row.getByTestId('admin-left-db')).toHaveText('7');

  // The shop: the list card and the detail page show the new figures.
  await page.getByTestId('nav-shop').click();
  const card = page.locator(`[data-test="goods-card"][data-id="${id}"]`);
  await expect(card).toHaveAttribute('data-status', 'active');
  await expect(card.getByTestId('goods-name')).toHaveText(name);
  await expect(card.getByTestId('seckill-price')).toHaveText('¥499.50');
  await expect(card.getByTestId('original-price')).toHaveText('¥1,299.00');
  await expect(card.getByTestId('stock-left')).toHaveAttribute('data-left', '7');
  // The bar shows what is sold: an untouched sale is 0 %, its units left stay in data-left.
  await expect(card.getByTestId('stock-left')).toHaveText('0% claimed');
  await expect(card.getByRole('img', { name })).toHaveAttribute('src', /laptop\.svg$/);
  await shot(page, 'list');

  await card.click();
  await expect(page).toHaveURL(new RegExp(`/goods/${id}$`));
  await expect(page.getByTestId('goods-name')).toHaveText(name);
  await expect(page.getByTestId('goods-description')).toHaveText(description);
  await expect(page.getByTestId('seckill-price')).toHaveText('¥499.50');
  await expect(page.getByTestId('original-price')).toHaveText('¥1,299.00');
  await expect(page.getByTestId('stock-left')).toHaveText('0% claimed');
  await expect(page.getByTestId('stock-left')).toHaveAttribute('title', '7 of 7 left');
  await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'active');
  // The end typed in the picker, read back as time left: 3 h minus the 2 min already gone.
  const countdown = page.getByTestId('countdown');
  await expect(countdown).toHaveAttribute('data-phase', 'active');
  const left = Number(await countdown.getAttribute('data-remaining'));
  expect(left).toBeGreaterThan(3 * 3600 - 300);
  expect(left).toBeLessThanOrEqual(3 * 3600 - 120);
});
