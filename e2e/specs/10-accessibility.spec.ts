import axe from 'axe-core';
import type { Page } from '@playwright/test';
import { adminAuth, apiRegister, createSale, expect, shot, signIn, test } from '../src/fixtures.ts';

interface ContrastResult {
  violations: Array<{ id: string; nodes: Array<{ target: unknown; failureSummary?: string }> }>;
  passes: Array<{ nodes: unknown[] }>;
}

/** Runs axe-core's colour-contrast rule in the page (evaluated, so the CSP does not block it). */
async function contrast(page: Page, name: string) {
  await page.evaluate(axe.source);
  const result = await page.evaluate(
    () =>
      (
        window as unknown as {
          axe: { run(ctx: Document, opts: object): Promise<ContrastResult> };
        }
      ).axe.run(document, {
        runOnly: { type: 'rule', values: ['color-contrast'] },
      }) as Promise<ContrastResult>,
  );
  const nodes = result.violations.flatMap((v) => v.nodes);
  const checked = result.passes.reduce((n, p) => n + p.nodes.length, 0);
  console.log(`[axe] ${name}: color-contrast ${nodes.length} violations, ${checked} nodes pass`);
  for (const n of nodes)
    console.log(`[axe]   ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`);
  expect(
    nodes.map((n) => JSON.stringify(n.target)),
    `${name} contrast`,
  ).toEqual([]);
}

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
});
