import { useI18n } from 'vue-i18n';
import { formatYuan } from './money';

/** Money and dates the way the chosen language writes them. */
export function useFormat() {
  const { locale } = useI18n();

  function dateTime(iso: string): string {
    return new Intl.DateTimeFormat(locale.value, {
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    }).format(new Date(iso));
  }

  function fullDateTime(iso: string): string {
    return new Intl.DateTimeFormat(locale.value, {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    }).format(new Date(iso));
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
