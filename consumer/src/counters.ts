import type { WriteOutcome } from './writer.ts';

/**
 * What one consumer has done since it started, for its last log line ("stopped cleanly") and for
 * tests: the batches it took, what MySQL made of each order, and what left another way (undone
 * reservations dropped, dead letters, deadlines not scheduled, batches handed back). One object,
 * shared by the parts that count, so that the consumer can show it whole.
 */
export function newCounters() {
  return {
    batches: 0,
    created: 0,
    existing: 0,
    soldOut: 0,
    stale: 0,
    dropped: 0,
    dead: 0,
    returned: 0,
    unscheduled: 0,
    failedBatches: 0,
  };
}

export type ConsumerCounters = ReturnType<typeof newCounters>;

/** Counts one order by what MySQL made of it. */
export function countOutcome(counters: ConsumerCounters, kind: WriteOutcome['kind']): void {
  counters[kind === 'sold_out' ? 'soldOut' : kind] += 1;
}
