import { type Request } from '@playwright/test';
import { createSale, expect, test } from '../src/fixtures.ts';

const BUDGET = 250 * 1024;

test('a cold visit to a goods detail page loads at most 250 KB gzipped', async ({
  page,
  request,
}, testInfo) => {
  const sale = await createSale(request, {
    name: `Page Weight Backpack ${Date.now()}`,
    imageUrl: '/images/goods/backpack.svg',
  });

  const finished: Request[] = [];
  page.on('requestfinished', (req) => finished.push(req));
  // A fresh browser context: empty cache, nothing stored, not logged in.
  await page.goto(`/goods/${sale.id}`);
  await expect(page.getByTestId('goods-name')).toHaveText(sale.name);
  await expect(page.getByTestId('login-to-buy')).toBeVisible();
  await expect(page.getByRole('img', { name: sale.name })).toHaveJSProperty('complete', true);
  await page.evaluate(() => document.fonts.ready);
  await page.waitForLoadState('networkidle');

  const rows = await Promise.all(
    finished.map(async (req) => {
      const sizes = await req.sizes();
      const res = await req.response();
      return {
        url: new URL(req.url()).pathname,
        type: req.resourceType(),
        api: new URL(req.url()).pathname.startsWith('/api/'),
        // Bytes of the body as sent: gzipped when the server compressed it.
        body: sizes.responseBodySize,
        encoding: (await res?.headerValue('content-encoding')) ?? 'identity',
        status: res?.status() ?? 0,
      };
    }),
  );
  const assets = rows.filter((r) => !r.api);
  const total = assets.reduce((sum, r) => sum + r.body, 0);
  const api = rows.filter((r) => r.api).reduce((sum, r) => sum + r.body, 0);

  const lines = assets
    .sort((a, b) => b.body - a.body)
    .map(
      (r) =>
        `${(r.body / 1024).toFixed(1).padStart(7)} KB  ${r.type.padEnd(10)} ${r.encoding.padEnd(8)} ${r.url}`,
    );
  const report = [
    `cold visit to /goods/${sale.id}: ${assets.length} files`,
    ...lines,
    `${(total / 1024).toFixed(1).padStart(7)} KB  total (as transferred, bodies)`,
    `${(api / 1024).toFixed(1).padStart(7)} KB  API answers (not counted)`,
  ].join('\n');
  console.log(report);
  await testInfo.attach('page-weight.txt', { body: report, contentType: 'text/plain' });

  // All downloaded (200, not 304 from a cache), scripts and styles compressed, within the budget.
  expect(assets.filter((r) => r.status !== 200)).toEqual([]);
  // The server leaves files under 512 bytes as they are; anything bigger comes gzipped.
  const textual = assets.filter((a) => a.type === 'script' || a.type === 'stylesheet');
  expect(textual.filter((r) => r.body > 1024 && r.encoding !== 'gzip')).toEqual([]);
  expect(assets.filter((r) => r.type === 'script').length).toBeGreaterThan(0);
  expect(total).toBeGreaterThan(10 * 1024);
  expect(total).toBeLessThanOrEqual(BUDGET);
});
