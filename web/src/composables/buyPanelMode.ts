import type { SalePhase } from './countdown';

/**
 * What the buy area offers: the buy box to a shopper; to a visitor a login that comes back here
 * while the sale may still sell, and the sale's state once it cannot.
 */
export type BuyPanelMode = 'box' | 'login' | 'closed';

export function buyPanelMode(loggedIn: boolean, phase: SalePhase | null, soldOut: boolean) {
  if (loggedIn) return 'box' satisfies BuyPanelMode;
  if (phase === 'ended' || (phase === 'active' && soldOut)) return 'closed' satisfies BuyPanelMode;
  return 'login' satisfies BuyPanelMode;
}

/** The label of the disabled buy button of a sale that is not open. */
export function closedLabelKey(phase: SalePhase | null): string {
  if (phase === 'upcoming') return 'buy.notStarted';
  if (phase === 'ended') return 'buy.ended';
  return 'buy.soldOut';
}
