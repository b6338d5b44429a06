/**
 * Business hours in the company's time zone: whether a person can answer now, and if not, when the queue opens.
 * Pure: the clock is an argument.
 */
import type { Availability } from '../dialogue/types.js';
import { localTime, WEEKDAYS, type LocalTime, type Weekday } from '../util/zoned-time.js';

export interface BusinessHours {
  /** IANA zone, e.g. "Europe/Madrid". */
  timeZone: string;
  /** Opening spans per weekday, "09:00-20:00"; a day that is absent or empty is closed. */
  week: Partial<Record<Weekday, readonly string[]>>;
  /** Closed days, "YYYY-MM-DD" in the company's zone. */
  holidays?: readonly string[];
}

const SPAN = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

/** Minutes from midnight for each span, or the span that is wrong (for the config's error message). */
export function parseSpan(span: string): { from: number; to: number } | undefined {
  const m = SPAN.exec(span.trim());
  if (!m) return undefined;
  const from = Number(m[1]) * 60 + Number(m[2]);
  const to = Number(m[3]) * 60 + Number(m[4]);
  return to > from && to <= 24 * 60 ? { from, to } : undefined;
}

function spansOf(hours: BusinessHours, local: LocalTime): { from: number; to: number }[] {
  if (hours.holidays?.includes(local.date)) return [];
  return (hours.week[local.weekday] ?? []).map(parseSpan).filter((s): s is { from: number; to: number } => !!s);
}

/**
 * Whether the team is in now and, when not, the next opening. It walks the company's calendar day by day (dates in
 * its zone, never fixed 24-hour steps, which skip a day around a daylight-saving change) over at most two weeks,
 * holidays included, so a schedule that never opens answers "closed, no next opening".
 */
export function availability(hours: BusinessHours | undefined, now: Date): Availability {
  if (!hours) return { open: true, timeZone: 'UTC' };
  const local = localTime(now, hours.timeZone);
  if (spansOf(hours, local).some((s) => local.minutes >= s.from && local.minutes < s.to)) return { open: true, timeZone: hours.timeZone };
  for (let day = 0; day <= 14; day++) {
    const date = addDays(local.date, day);
    const dayLocal: LocalTime = { date, weekday: WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!, minutes: 0 };
    for (const span of spansOf(hours, dayLocal).sort((a, b) => a.from - b.from)) {
      if (day === 0 && span.from <= local.minutes) continue;
      const opening = atLocalTime(date, span.from, hours.timeZone);
      if (opening.getTime() > now.getTime()) return { open: false, nextOpen: opening, timeZone: hours.timeZone };
    }
  }
  return { open: false, timeZone: hours.timeZone };
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The instant a wall clock in `timeZone` shows `minutes` past midnight on `date`. */
function atLocalTime(date: string, minutes: number, timeZone: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  let guess = new Date(wall);
  // The zone's offset at the guess, applied and checked again: two rounds settle a daylight-saving change.
  for (let i = 0; i < 3; i++) {
    const seen = localTime(guess, timeZone);
    const seenWall = Date.parse(`${seen.date}T00:00:00Z`) + seen.minutes * 60_000;
    const drift = seenWall - wall;
    if (!drift) break;
    guess = new Date(guess.getTime() - drift);
  }
  return guess;
}
