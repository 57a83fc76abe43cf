/**
 * The share of a sale already sold, in whole percent: an untouched sale is 0 and a sold-out one
 * 100, and anything sold shows at least 1 (never a misleading 0 %) and short of all at most 99.
 */
export function soldPercent(left: number, total: number): number {
  if (total <= 0) return 0;
  const sold = Math.max(0, Math.min(total, total - left));
  if (sold === 0) return 0;
  if (sold === total) return 100;
  return Math.min(99, Math.max(1, Math.round((sold / total) * 100)));
}
