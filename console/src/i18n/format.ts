import { currentLocale, t } from './index';

/**
 * Dates and times in the browser's time zone, written the way the console's language writes
 * them (Intl, the same data Element Plus' locales follow). Reading `currentLocale` makes a
 * template that calls these re-render when the language changes.
 */
export function formatTime(value: string | number | undefined): string {
  if (value === undefined || value === '') return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return new Intl.DateTimeFormat(currentLocale.value, { dateStyle: 'medium', timeStyle: 'medium' }).format(date);
}

/** WeChat's epoch seconds, for display. */
export const fromEpochSeconds = (seconds: number | undefined): string => (seconds === undefined ? '—' : formatTime(seconds * 1000));

/** "in 1 h 5 min" / "3 min ago" (“1 小时 5 分钟后”) for token expiries and ticket ages. */
export function relativeTime(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const deltaMs = Date.parse(iso) - now;
  const minutes = Math.round(Math.abs(deltaMs) / 60_000);
  const span = minutes < 60 ? t('time.minutes', { m: minutes }) : t('time.hoursMinutes', { h: Math.floor(minutes / 60), m: minutes % 60 });
  return deltaMs >= 0 ? t('time.in', { span }) : t('time.ago', { span });
}
