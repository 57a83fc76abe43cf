/** Prices travel as integer cents; people read and type yuan with two decimals. */

/** The most any price or credit may be (¥1,000,000.00), as the API's schemas say. */
export const MAX_CENTS = 100_000_000;

export function formatYuan(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  const yuan = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** "12", "12.3", "12.34" (and "¥1,299.00" as shown) → cents; null if not a yuan amount. */
export function yuanToCents(input: string | number): number | null {
  const text = String(input).trim().replace(/^¥/, '').replaceAll(',', '');
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return null;
  const whole = Number(m[1]);
  const frac = Number((m[2] ?? '').padEnd(2, '0'));
  return whole * 100 + frac;
}

/** cents → "12.34", for filling a form. */
export function centsToYuanInput(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** What is wrong with a yuan amount typed into a form, as a translation key; null if nothing. */
export function amountProblem(text: string): 'required' | 'money' | 'moneyRange' | null {
  if (text.trim() === '') return 'required';
  const cents = yuanToCents(text);
  if (cents === null) return 'money';
  if (cents <= 0 || cents > MAX_CENTS) return 'moneyRange';
  return null;
}
