import { apiRegister, bearer, expect, shot, signIn, test } from '../src/fixtures.ts';

test('a shopper is refused the admin pages and the admin API', async ({ page, request }) => {
  const shopper = await apiRegister(request, 'nosy');
  const adminCalls: string[] = [];
  page.on('request', (req) => {
    if (req.url().includes('/api/admin')) adminCalls.push(req.url());
  });

  await signIn(page, shopper);
  await page.goto('/');
  await expect(page.getByTestId('user-menu')).toContainText(shopper.user.username);
  await expect(page.getByTestId('nav-admin')).toHaveCount(0);

  // Typed in by hand: the 403 page, remembering where they wanted to go.
  await page.goto('/admin');
  await expect(page.getByTestId('forbidden')).toBeVisible();
  await expect(page.getByTestId('forbidden')).toContainText('403 · Not allowed');
  await expect(page).toHaveURL(/\/403\?from=\/admin$/);
  await expect(page.getByTestId('admin-create')).toHaveCount(0);
  await expect(page.getByTestId('admin-row')).toHaveCount(0);
  await shot(page, 'forbidden');

  await page.goto('/admin/sales/new');
  await expect(page.getByTestId('forbidden')).toBeVisible();
  await expect(page.getByTestId('sale-form')).toHaveCount(0);
  // The pages never even asked the admin API.
  expect(adminCalls).toEqual([]);

  // The API is the real gate: the shopper's own token gets 403 there.
  const stats = await request.get('/api/admin/stats', { headers: bearer(shopper.token) });
  expect(stats.status()).toBe(403);
  expect(((await stats.json()) as { code: string }).code).toBe('FORBIDDEN');
  const create = await request.post('/api/admin/goods', {
    headers: bearer(shopper.token),
    data: { name: 'not allowed' },
  });
  expect(create.status()).toBe(403);
  // Without a token it is 401, not 403.
  expect((await request.get('/api/admin/stats')).status()).toBe(401);
});
