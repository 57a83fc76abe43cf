export interface DateTimeOptions {
  /** Add the seconds: for "updated at" stamps that change every few seconds. */
  seconds?: boolean;
  /** Add the time zone ("GMT+8"): for times a shopper must be on time for, like a sale's start. */
  zone?: boolean;
  /** The zone to write the time in; the browser's own when left out. */
  timeZone?: string;
  /** The year is left out when it is the year of this moment (ms); the current time when left out. */
  now?: number;
}

function yearOf(ms: number, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat('en', { year: 'numeric', timeZone }).format(ms);
}

/** The shop's one date format: "Dec 8, 14:05" / "12月8日 14:05", with the year when it is not this one. */
export function formatDateTime(
  at: string | number,
  locale: string,
  options: DateTimeOptions = {},
): string {
  const ms = typeof at === 'number' ? at : Date.parse(at);
  if (!Number.isFinite(ms)) return '';
  const { timeZone } = options;
  const thisYear = yearOf(ms, timeZone) === yearOf(options.now ?? Date.now(), timeZone);
  const parts = new Intl.DateTimeFormat(locale, {
    year: thisYear ? undefined : 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: options.seconds ? '2-digit' : undefined,
    hourCycle: 'h23',
    timeZone,
    timeZoneName: options.zone ? 'short' : undefined,
  }).formatToParts(ms);
  // The zone goes last in every language (Chinese would put it between the date and the time).
  const zone = parts.find((p) => p.type === 'timeZoneName')?.value;
  const text = parts
    .filter((p) => p.type !== 'timeZoneName')
    .map((p) => p.value)
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  return zone ? `${text} ${zone}` : text;
}

/** The short name of the zone times are written in ("GMT+8"), for forms that take times. */
export function zoneName(locale: string, at: number = Date.now(), timeZone?: string): string {
  return (
    new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? ''
  );
}
