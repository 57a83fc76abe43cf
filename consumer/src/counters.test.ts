import { describe, expect, it } from 'vitest';
import { countOutcome, newCounters } from './counters.ts';

describe('consumer counters', () => {
  it('count each outcome of the writer under its own name', () => {
    const c = newCounters();
    for (const kind of ['created', 'created', 'existing', 'returned', 'sold_out', 'stale'] as const)
      countOutcome(c, kind);
    expect(c).toMatchObject({ created: 2, existing: 1, returned: 1, soldOut: 1, stale: 1 });
    expect(c.batches + c.dropped + c.dead + c.unscheduled + c.failedBatches).toBe(0);
  });

  it('start at zero for every consumer', () => {
    const a = newCounters();
    countOutcome(a, 'created');
    expect(newCounters().created).toBe(0);
  });
});
