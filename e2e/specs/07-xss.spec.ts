import { type Locator, type Page } from '@playwright/test';
import { adminAuth, createSale, expect, signIn, test } from '../src/fixtures.ts';

const NAME = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2"><b>bold</b>`;
const DESCRIPTION = `<i>italic</i><svg onload="window.__xss=3"></svg> & "quotes"`;

/** The markup stayed text: nothing ran, and none of its elements exist in the page. */
async function expectInert(page: Page, name: Locator) {
  await expect(name).toHaveText(NAME);
  await expect(name.locator('b, img, script')).toHaveCount(0);
  const found = await page.evaluate(() => ({
    xss: (window as { __xss?: unknown }).__xss,
    // Elements the markup would have made: anywhere, or inside the texts that carry it.
    injected: document.querySelectorAll(
      'img[src="x"], svg[onload], [data-test$="name"] *, [data-test="goods-description"] *',
    ).length,
    scripts: [...document.scripts].filter((s) => s.text.includes('__xss')).length,
  }));
  expect(found).toEqual({ xss: undefined, injected: 0, scripts: 0 });
}

test('a goods name with <script> and HTML is shown as text and never run', async ({
  page,
  request,
}) => {
  const sale = await createSale(request, { name: NAME, description: DESCRIPTION });
  expect(sale.name).toBe(NAME); // stored as typed, escaped only where it is shown

  await page.goto('/');
  const card = page.locator(`[data-test="goods-card"][data-id="${sale.id}"]`);
  await expectInert(page, card.getByTestId('goods-name'));

  await card.click();
  await expect(page).toHaveURL(new RegExp(`/goods/${sale.id}$`));
  await expectInert(page, page.getByTestId('goods-name'));
  await expect(page.getByTestId('goods-description')).toHaveText(DESCRIPTION);

  // The admin dashboard shows it as text too.
  await signIn(page, await adminAuth(request));
  await page.goto('/admin');
  const row = page.locator(`[data-test="admin-row"][data-id="${sale.id}"]`);
  await expectInert(page, row.getByTestId('admin-name'));
});
