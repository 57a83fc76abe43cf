import { contrast } from '../src/axe.ts';
import {
  adminAuth,
  adminToken,
  apiRegister,
  bearer,
  createSale,
  expect,
  shot,
  signIn,
  test,
} from '../src/fixtures.ts';

test('list, detail, orders and admin pages meet WCAG AA contrast', async ({
  page,
  request,
  guard,
}) => {
  const sale = await createSale(request, { name: `Contrast check ${Date.now()}` });
  await createSale(request, {
    name: `Contrast soon ${Date.now()}`,
    startAt: new Date(Date.now() + 3600_000).toISOString(),
    endAt: new Date(Date.now() + 7200_000).toISOString(),
  });

  await page.goto('/');
  await expect(page.getByTestId('goods-list')).toBeVisible();
  await contrast(page, 'list');
  await page.getByTestId('tab-upcoming').click();
  await expect(page.getByTestId('tab-upcoming')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('goods-list')).toContainText('Contrast soon');
  await shot(page, 'tabs');

  const shopper = await apiRegister(request, 'eyes');
  await signIn(page, shopper);
  await page.goto(`/goods/${sale.id}`);
  await expect(page).toHaveTitle(new RegExp(sale.name));
  await contrast(page, 'detail');
  await page.goto('/orders');
  await expect(page).toHaveTitle(/Seckill/);
  await contrast(page, 'orders');

  // A tab of its own: the sign-in script holds one session per tab.
  const admin = await page.context().newPage();
  guard.watch(admin);
  await signIn(admin, await adminAuth(request));
  await admin.goto('/admin');
  await expect(admin.getByTestId('audit-log')).toBeVisible();
  await expect(admin.getByTestId('audit-entry').first()).toBeVisible();
  await expect(admin.getByTestId('archived-sales')).toBeVisible();
  await contrast(admin, 'admin');
  await admin.getByTestId('audit-log').scrollIntoViewIfNeeded();
  await shot(admin, 'audit');

  // A sale archived by the admin leaves the shop and waits in the archived list, to be restored.
  const gone = await createSale(request, { name: `Archived lamp ${Date.now()}` });
  const archived = await request.delete(`/api/admin/goods/${gone.id}`, {
    headers: bearer(await adminToken(request)),
  });
  expect(archived.status()).toBe(204);
  await admin.reload();
  const entry = admin.getByTestId('archived-sale').filter({ hasText: gone.name });
  await expect(entry).toBeVisible();
  await expect(entry.getByTestId('admin-restore')).toBeVisible();
  await entry.scrollIntoViewIfNeeded();
  await shot(admin, 'archived');
});

test.describe('on a phone (390×844)', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the docked buy bar, a closed sale and the admin cards meet WCAG AA contrast', async ({
    page,
    request,
    guard,
  }) => {
    const sale = await createSale(request, { name: `Contrast phone ${Date.now()}` });
    const soon = await createSale(request, {
      name: `Contrast phone soon ${Date.now()}`,
      startAt: new Date(Date.now() + 3600_000).toISOString(),
      endAt: new Date(Date.now() + 7200_000).toISOString(),
    });
    const gone = await createSale(request, { name: `Contrast phone gone ${Date.now()}`, stock: 0 });

    // A visitor first: the login button and the closed states in the bar.
    await page.goto(`/goods/${soon.id}`);
    await expect(page.getByTestId('buy-bar')).toHaveAttribute('data-docked', 'true');
    await expect(page.getByTestId('countdown')).toHaveAttribute('data-phase', 'upcoming');
    await contrast(page, 'phone upcoming');
    await page.goto(`/goods/${gone.id}`);
    await expect(page.getByTestId('buy-button')).toHaveText('Sold out');
    await contrast(page, 'phone sold out');

    const shopper = await apiRegister(request, 'phoneeyes');
    const buyer = await page.context().newPage();
    guard.watch(buyer);
    await signIn(buyer, shopper);
    await buyer.goto(`/goods/${sale.id}`);
    await expect(buyer.getByTestId('buy-bar')).toHaveAttribute('data-docked', 'true');
    await expect(buyer.getByTestId('captcha-img')).toBeVisible();
    await contrast(buyer, 'phone detail');

    const admin = await page.context().newPage();
    guard.watch(admin);
    await signIn(admin, await adminAuth(request));
    await admin.goto('/admin');
    await expect(admin.getByTestId('admin-cards')).toBeVisible();
    await contrast(admin, 'phone admin');
  });
});
