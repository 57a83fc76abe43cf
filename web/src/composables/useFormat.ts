import { useI18n } from 'vue-i18n';
import { formatDateTime, type DateTimeOptions } from './dateFormat';
import { formatYuan } from './money';

/** Money and dates the way the chosen language writes them. */
export function useFormat() {
  const { locale } = useI18n();

  /** The shop's one date format (see formatDateTime); `zone` where the reader must be on time. */
  function dateTime(iso: string, options: Omit<DateTimeOptions, 'timeZone'> = {}): string {
    return formatDateTime(iso, locale.value, options);
  }

  /** The same format as dateTime; kept until the orders pages call dateTime. */
  function fullDateTime(iso: string): string {
    return dateTime(iso);
  }

  /** Time of day to the second, for chart axes. */
  function clock(ms: number): string {
    return new Intl.DateTimeFormat(locale.value, {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    }).format(new Date(ms));
  }

  /** A count or rate with at most `digits` decimals, grouped the way the language groups. */
  function count(n: number, digits = 0): string {
    return new Intl.NumberFormat(locale.value, { maximumFractionDigits: digits }).format(n);
  }

  return { money: formatYuan, dateTime, fullDateTime, clock, count };
}
