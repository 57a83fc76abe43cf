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

  return { money: formatYuan, dateTime, fullDateTime };
}
