import type { Sale } from '@seckill/contracts';
import type { SalePhase } from './countdown';

/** A sale's waiting room as the buy area needs it: when it opens, and the sale's window. */
export interface SaleRoom {
  opensAt: string;
  startAt: string;
  endAt: string;
}

/** How long before its start a room opens when the sale does not say (the API's default). */
export const ROOM_OPENS_BEFORE_MS = 10 * 60_000;

export function saleRoom(
  sale: Pick<Sale, 'waitingRoom' | 'queueOpensAt' | 'startAt' | 'endAt'>,
): SaleRoom | null {
  if (!sale.waitingRoom) return null;
  const opensAt =
    sale.queueOpensAt ?? new Date(Date.parse(sale.startAt) - ROOM_OPENS_BEFORE_MS).toISOString();
  return { opensAt, startAt: sale.startAt, endAt: sale.endAt };
}

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

/** What the visitor's login button says: a sale with a room is joined, not bought, first. */
export function loginLabelKey(hasRoom: boolean): string {
  return hasRoom ? 'room.loginToJoin' : 'buy.loginToBuy';
}

/** The label of the disabled buy button of a sale that is not open. */
export function closedLabelKey(phase: SalePhase | null): string {
  if (phase === 'upcoming') return 'buy.notStarted';
  if (phase === 'ended') return 'buy.ended';
  return 'buy.soldOut';
}
