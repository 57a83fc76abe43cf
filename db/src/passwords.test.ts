import { describe, expect, it } from 'vitest';
import { HashPool, HashQueueFull } from './passwords.ts';

/** A hash that finishes when the test says so. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, job: () => opened };
}

describe('HashPool', () => {
  it('keeps room for clean and known logins while suspect ones flood it', async () => {
    const pool = new HashPool(2, 8);
    const flood = Array.from({ length: 20 }, () => gate());
    const results = flood.map((g) =>
      pool.run('suspect', g.job).then(
        () => 'done',
        (err: unknown) => (err instanceof HashQueueFull ? 'full' : 'error'),
      ),
    );
    // Suspects hold one running slot of two and half the queue; the rest are refused at once.
    expect(pool.load).toEqual({ running: 1, waiting: { known: 0, clean: 0, suspect: 4 } });
    const ran: string[] = [];
    const clean = pool.run('clean', async () => void ran.push('clean'));
    await clean;
    expect(ran).toEqual(['clean']);
    // A clean login waiting behind a full pool goes before every waiting suspect.
    const busy = gate();
    const holder = pool.run('clean', busy.job);
    const order: string[] = [];
    const later = [
      pool.run('clean', async () => void order.push('clean')),
      pool.run('known', async () => void order.push('known')),
    ];
    for (const g of flood) g.open();
    busy.open();
    await Promise.all([holder, ...later]);
    expect(order).toEqual(['known', 'clean']);
    const outcome = await Promise.all(results);
    expect(outcome.filter((o) => o === 'done')).toHaveLength(5);
    expect(outcome.filter((o) => o === 'full')).toHaveLength(15);
    expect(pool.load.running).toBe(0);
  });
});
