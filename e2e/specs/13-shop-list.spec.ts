import type { Page } from '@playwright/test';
import { contrast } from '../src/axe.ts';
import { createSale, expect, shot, test } from '../src/fixtures.ts';

const HOUR = 3600_000;

/** Two ended sales and one on sale, all named after one stamp so a search finds only them. */
async function lamps(request: Parameters<typeof createSale>[0]) {
  const stamp = `Lamp ${Date.now().toString(36)}`;
  const past = {
    startAt: new Date(Date.now() - 3 * HOUR).toISOString(),
    endAt: new Date(Date.now() - HOUR).toISOString(),
  };
  const ended = [
    await createSale(request, { name: `${stamp} brass`, ...past }),
    await createSale(request, { name: `${stamp} paper`, ...past }),
  ];
  const onSale = await createSale(request, { name: `${stamp} glass` });
  return { stamp, ended, onSale };
}

async function expectGreyEndedCards(page: Page, count: number) {
  const cards = page.getByTestId('goods-card');
  await expect(cards).toHaveCount(count);
  for (const card of await cards.all()) {
    await expect(card).toHaveAttribute('data-status', 'ended');
    // --ink-3, 6.1:1 on white: grey, not the red of a price one can still pay.
    await expect(card.getByTestId('seckill-price')).toHaveCSS('color', 'rgb(92, 99, 112)');
    // The end date in the shop's format, with the zone the time is in.
    await expect(card.getByTestId('goods-when')).toHaveText(
      /^Ended [A-Z][a-z]{2} \d{1,2}, \d\d:\d\d GMT\+8$/,
    );
  }
}

test('the tab, the search and the page live in the URL: Back returns to them, a link shares them', async ({
  page,
  request,
}) => {
  const { stamp, ended } = await lamps(request);

  await page.goto('/');
  await page.getByTestId('tab-ended').click();
  await expect(page).toHaveURL(/\/\?tab=ended$/);
  await page.getByTestId('goods-search').fill(stamp);
  await page.getByTestId('goods-search').press('Enter');
  await expect(page).toHaveURL(
    (url) => url.searchParams.get('tab') === 'ended' && url.searchParams.get('q') === stamp,
  );
  await expectGreyEndedCards(page, 2);
  const filtered = page.url();

  // Into a sale and Back: the same tab, search and cards.
  await page.getByTestId('goods-card').filter({ hasText: ended[0]!.name }).click();
  await expect(page).toHaveURL(`/goods/${ended[0]!.id}`);
  await page.goBack();
  await expect(page).toHaveURL(filtered);
  await expect(page.getByTestId('tab-ended')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('goods-search')).toHaveValue(stamp);
  await expectGreyEndedCards(page, 2);

  // Back again: the tab alone, before the search.
  await page.goBack();
  await expect(page).toHaveURL(/\/\?tab=ended$/);
  await expect(page.getByTestId('goods-search')).toHaveValue('');

  // The link, opened fresh, shows the same list.
  const shared = await page.context().newPage();
  await shared.goto(filtered);
  await expect(shared.getByTestId('tab-ended')).toHaveAttribute('aria-selected', 'true');
  await expectGreyEndedCards(shared, 2);
  await shared.close();

  // A search that finds nothing says so, and offers the whole shop.
  await page.getByTestId('goods-search').fill(`${stamp} teapot`);
  await page.getByTestId('goods-search').press('Enter');
  await expect(page.getByTestId('goods-empty')).toContainText(`No sale matches “${stamp} teapot”.`);
  await expect(page.getByTestId('goods-empty')).not.toContainText('No flash sales right now');
  await contrast(page, 'no match');
  await shot(page, 'list-no-match');
  await page.getByTestId('goods-show-all').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('goods-list')).toBeVisible();
});

for (const [device, viewport] of [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const) {
  test.describe(`on a ${device}`, () => {
    test.use({ viewport });

    test('ended cards are grey with their end date and meet WCAG AA contrast', async ({
      page,
      request,
    }) => {
      const { stamp } = await lamps(request);
      await page.goto(`/?q=${encodeURIComponent(stamp)}`);
      await expect(page.getByTestId('goods-card')).toHaveCount(3);
      await page.getByTestId('tab-ended').click();
      await expectGreyEndedCards(page, 2);
      await contrast(page, `${device} ended cards`);
      await shot(page, `list-ended-${device}`);
    });
  });
}
