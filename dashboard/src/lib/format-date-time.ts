/*
 * A moment (ISO, UTC) as a date and minute in a given zone: 2026/12/07 09:00
 * in Japanese, Dec 7, 2026 09:00 in English. For times that are not the
 * data's days (a schedule's next run, a delivery attempt), which formatDate
 * in format.ts does not cover.
 */
import type { Locale } from './format';

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function formatDateTime(iso: string | null | undefined, zone: string, locale: Locale = 'ja'): string {
  if (!iso) return '–';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  const time = `${parts.hour}:${parts.minute}`;
  if (locale === 'ja') return `${parts.year}/${parts.month}/${parts.day} ${time}`;
  return `${EN_MONTHS[Number(parts.month) - 1]} ${Number(parts.day)}, ${parts.year} ${time}`;
}
