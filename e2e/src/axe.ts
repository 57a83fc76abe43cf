import axe from 'axe-core';
import type { Page } from '@playwright/test';
import { expect } from './fixtures.ts';

interface ContrastResult {
  violations: Array<{ id: string; nodes: Array<{ target: unknown; failureSummary?: string }> }>;
  passes: Array<{ nodes: unknown[] }>;
}

/** Runs axe-core's colour-contrast rule in the page (evaluated, so the CSP does not block it). */
export async function contrast(page: Page, name: string) {
  // Element Plus tags zoom in when they appear: judge the colours they settle on, not a fade.
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every(
        (a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity,
      ),
  );
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
