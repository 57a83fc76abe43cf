import type { Locator, Page } from '@playwright/test';
import {
  adminAuth,
  apiRegister,
  captchaAnswer,
  createSale,
  expect,
  shot,
  signIn,
  test,
} from '../src/fixtures.ts';

const PHONE = { width: 390, height: 844 };
test.use({ viewport: PHONE });

/** Wholly inside the phone's screen at the current scroll position. */
async function expectOnScreen(locator: Locator, what: string) {
  const box = await locator.boundingBox();
  expect(box, `${what} has a box`).not.toBeNull();
  if (!box) return;
  expect(box.y, `${what} top`).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height, `${what} bottom`).toBeLessThanOrEqual(PHONE.height);
  expect(box.x, `${what} left`).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, `${what} right`).toBeLessThanOrEqual(PHONE.width);
}

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error('no bounding box');
  return b;
}

const scrollY = (page: Page) => page.evaluate(() => window.scrollY);

test('on a phone the price, countdown and buy button stay in a bar at the bottom, the code above it', async ({
  page,
  request,
}) => {
  const shopper = await apiRegister(request, 'thumb');
  const sale = await createSale(request, {
    name: `Phone Bar Speaker ${Date.now().toString(36)}`,
    description: 'A long description.\n'.repeat(40),
  });
  await signIn(page, shopper);
  await page.goto(`/goods/${sale.id}`);

  const bar = page.getByTestId('buy-bar');
  await expect(bar).toHaveAttribute('data-docked', 'true');
  await expect(bar).toHaveCSS('position', 'fixed');
  const price = bar.getByTestId('seckill-price');
  const countdown = bar.getByTestId('countdown');
  const button = bar.getByTestId('buy-button');
  const picture = bar.getByTestId('captcha-img');
  await expect(price).toHaveText('¥299.00');
  await expect(countdown).toHaveAttribute('data-phase', 'active');
  await expect(countdown).toContainText('Ends in');
  await expect(button).toBeEnabled();
  await expect(picture).toBeVisible();
  const drawn = await picture.boundingBox();
  expect([drawn?.width, drawn?.height]).toEqual([200, 64]);
  // One of each, whatever the width: the specs and the shopper find the same button.
  for (const id of ['buy-button', 'captcha-input', 'captcha-img', 'status-tag', 'stock-left']) {
    await expect(page.getByTestId(id), id).toHaveCount(1);
  }

  // Unscrolled: everything needed to buy is on screen, the code above the button.
  expect(await scrollY(page)).toBe(0);
  for (const [what, l] of [
    ['price', price],
    ['countdown', countdown],
    ['buy button', button],
    ['captcha', picture],
    ['captcha input', bar.getByTestId('captcha-input')],
  ] as const) {
    await expectOnScreen(l, what);
  }
  expect((await box(picture)).y + (await box(picture)).height).toBeLessThanOrEqual(
    (await box(button)).y,
  );
  const barAtTop = await box(bar);
  expect(barAtTop.y + barAtTop.height).toBeCloseTo(PHONE.height, 0);
  await shot(page, 'phone-detail-bar');

  // Scrolled to the end: the bar has not moved, and the description's end is above it.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect.poll(() => scrollY(page)).toBeGreaterThan(200);
  for (const [what, l] of [
    ['price', price],
    ['countdown', countdown],
    ['buy button', button],
    ['captcha', picture],
  ] as const) {
    await expectOnScreen(l, what);
  }
  expect(await box(bar)).toEqual(barAtTop);
  const description = await box(page.getByTestId('goods-description'));
  expect(description.y + description.height).toBeLessThanOrEqual(barAtTop.y);

  // The docked button buys.
  await bar.getByTestId('captcha-input').fill(await captchaAnswer(sale.id, shopper.user.id));
  await button.click();
  await expect(page.getByTestId('buy-result')).toHaveAttribute('data-state', 'success', {
    timeout: 20_000,
  });
  await expectOnScreen(page.getByTestId('buy-result'), 'result');
  await shot(page, 'phone-detail-bought');
});

test('an ended or sold-out sale shows its state to a visitor, no login button and no clock', async ({
  page,
  request,
}) => {
  const ended = await createSale(request, {
    name: `Phone Ended Fan ${Date.now().toString(36)}`,
    startAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
    endAt: new Date(Date.now() - 3600_000).toISOString(),
  });
  await page.goto(`/goods/${ended.id}`);
  await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'ended');
  await expect(page.getByTestId('buy-button')).toBeDisabled();
  await expect(page.getByTestId('buy-button')).toHaveText('Sale ended');
  await expect(page.getByTestId('login-to-buy')).toHaveCount(0);
  const countdown = page.getByTestId('countdown');
  await expect(countdown).toHaveAttribute('data-phase', 'ended');
  await expect(countdown).toHaveText('This sale has ended');
  await expectOnScreen(page.getByTestId('buy-button'), 'ended state');

  const gone = await createSale(request, {
    name: `Phone Sold Out Lamp ${Date.now().toString(36)}`,
    stock: 0,
  });
  await page.goto(`/goods/${gone.id}`);
  await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'sold_out');
  await expect(page.getByTestId('buy-button')).toBeDisabled();
  await expect(page.getByTestId('buy-button')).toHaveText('Sold out');
  await expect(page.getByTestId('login-to-buy')).toHaveCount(0);
  await expect(page.getByTestId('countdown')).toHaveText('Sold out: nothing left to buy');
  await expect(page.getByTestId('countdown')).not.toContainText('Ends in');
});

test('a visitor logs in to buy and comes back to the same sale', async ({ page, request }) => {
  const shopper = await apiRegister(request, 'comeback');
  const sale = await createSale(request, { name: `Phone Return Mug ${Date.now().toString(36)}` });
  const detail = `/goods/${sale.id}`;
  await page.goto(detail);

  const login = page.getByTestId('login-to-buy');
  await expectOnScreen(login, 'log in to buy');
  await expect(page.getByTestId('buy-button')).toHaveCount(0);
  await login.click();
  await expect(page).toHaveURL(/\/login\?/);
  expect(new URL(page.url()).searchParams.get('redirect')).toBe(detail);
  await page.getByTestId('login-username').fill(shopper.user.username);
  await page.getByTestId('login-password').fill('password123');
  await page.getByTestId('login-submit').click();

  await expect(page).toHaveURL(new RegExp(`${detail}$`));
  await expect(page.getByTestId('goods-name')).toHaveText(sale.name);
  await expect(page.getByTestId('login-to-buy')).toHaveCount(0);
  await expect(page.getByTestId('buy-button')).toBeEnabled();
  await expect(page.getByTestId('captcha-img')).toBeVisible();
  await expectOnScreen(page.getByTestId('buy-button'), 'buy button after login');
});

test('the admin sales list is cards on a phone, filtered and searched', async ({
  page,
  request,
}) => {
  const stem = `Phone Card ${Date.now().toString(36)}`;
  const open = await createSale(request, { name: `${stem} open` });
  const ended = await createSale(request, {
    name: `${stem} ended`,
    startAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
    endAt: new Date(Date.now() - 3600_000).toISOString(),
  });
  await signIn(page, await adminAuth(request));
  await page.goto('/admin');

  await expect(page.getByTestId('admin-cards')).toBeVisible();
  await expect(page.getByTestId('admin-table')).toHaveCount(0);
  await expect(page.locator('table')).toHaveCount(0);
  // Cards fit the width: nothing scrolls sideways.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    PHONE.width,
  );

  await page.getByTestId('admin-search').fill(stem);
  const rows = page.getByTestId('admin-row');
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('admin-count')).toHaveAttribute('data-total', '2');
  const card = page.locator(`[data-test="admin-row"][data-id="${open.id}"]`);
  await expect(card.getByTestId('admin-name')).toHaveText(`${stem} open`);
  await expect(card.getByTestId('status-tag')).toHaveAttribute('data-status', 'active');
  await expect(card.getByTestId('admin-stock')).toHaveText('5');
  await expect(card.getByTestId('admin-left-redis')).toHaveText('5');
  await expect(card.getByTestId('admin-reset')).toBeVisible();
  await card.scrollIntoViewIfNeeded();
  await expectOnScreen(card.getByTestId('admin-name'), 'card name');
  await expectOnScreen(card.getByTestId('admin-reset'), 'card reset button');
  await shot(page, 'phone-admin-cards');

  await page.getByTestId('admin-status-ended').click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-id', String(ended.id));
  await page.getByTestId('admin-search').fill(`${stem} nothing like it`);
  await expect(page.getByTestId('admin-no-match')).toBeVisible();
  await expect(rows).toHaveCount(0);
  await page.getByTestId('admin-no-match').getByRole('button').click();
  await expect(page.getByTestId('admin-search')).toHaveValue('');
  await expect(rows.first()).toBeVisible();
});
