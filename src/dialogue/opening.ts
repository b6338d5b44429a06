import { daysBetween } from '../util/zoned-time.js';

/** "hoy a las 9:00" / "tomorrow at 9:00 AM" / "el lunes a las 9:00", in the customer's language and the company's zone. */
export function describeOpening(opening: Date, now: Date, timeZone: string, locale: string, words: { today: string; tomorrow: string; weekday: string }): string {
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: 'numeric', minute: '2-digit' }).format(opening);
  const weekday = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long' }).format(opening);
  const days = daysBetween(now, opening, timeZone);
  const template = days === 0 ? words.today : days === 1 ? words.tomorrow : words.weekday;
  return template.replace('{time}', time).replace('{weekday}', weekday);
}
