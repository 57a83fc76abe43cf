import { sellNaive } from './naive.ts';
import { sellOptimistic } from './optimistic.ts';
import { sellPessimistic } from './pessimistic.ts';
import type { LabStrategy } from './sale.ts';

/** The lab's ways to sell, by the name in the route and in `pnpm bench --strategy`. */
export const LAB_STRATEGIES: Record<string, LabStrategy> = {
  naive: sellNaive,
  pessimistic: sellPessimistic,
  optimistic: sellOptimistic,
};
export type { LabOrder, LabStrategy } from './sale.ts';
