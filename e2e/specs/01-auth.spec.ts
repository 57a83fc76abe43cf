import { expect, test, uniqueName, userIdOf } from '../src/fixtures.ts';

test('a new shopper registers, logs out and logs in again through the forms', async ({
  page,
  guard,
}) => {
  const username = uniqueName('shopper');
  const password = 'correct-horse-9';

  await page.goto('/');
  await page.getByTestId('nav-login').click();
  await expect(page).toHaveURL(/\/login/);
  await page.getByTestId('to-register').click();
  await expect(page).toHaveURL(/\/register/);

  // The form checks its fields before anything is sent.
  await page.getByTestId('register-username').fill(username);
  await page.getByTestId('register-password').fill(password);
  await page.getByTestId('register-confirm').fill(`${password}x`);
  await page.getByTestId('register-submit').click();
  await expect(page.getByText('The passwords do not match')).toBeVisible();
  await expect(page).toHaveURL(/\/register/);

  await page.getByTestId('register-confirm').fill(password);
  await page.getByTestId('register-submit').click();

  // Signed up and signed in: back on the shop, named in the header.
  await expect(page.getByTestId('user-menu')).toContainText(username);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('nav-orders')).toBeVisible();
  await expect(page.getByTestId('nav-admin')).toHaveCount(0);
  const id = await userIdOf(page);
  expect(id).toBeGreaterThan(0);

  await page.getByTestId('logout').click();
  await expect(page.getByTestId('nav-login')).toBeVisible();
  await expect(page.getByTestId('user-menu')).toHaveCount(0);
  await expect(page.getByTestId('nav-orders')).toHaveCount(0);
  expect(await page.evaluate(() => localStorage.getItem('seckill.auth'))).toBeNull();

  // "My orders" now needs a login, and comes back after it.
  await page.goto('/orders');
  await expect(page).toHaveURL(/\/login\?redirect=\/orders$/);

  // A wrong password is refused with a message, not a redirect.
  guard.allow(401, '/api/auth/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill('not-the-password');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('auth-error')).toContainText('Wrong username or password');
  await expect(page).toHaveURL(/\/login/);

  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/orders$/);
  await expect(page.getByTestId('user-menu')).toContainText(username);
  await expect(page.getByTestId('orders-empty')).toBeVisible();
  expect(await userIdOf(page)).toBe(id);

  // The session survives a reload.
  await page.reload();
  await expect(page.getByTestId('user-menu')).toContainText(username);
});
