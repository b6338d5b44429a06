/**
 * Business hours in the company's time zone: whether a person can answer now, and if not, when the queue opens.
 * Pure: the clock is an argument.
 */
import type { Availability } from '../dialogue/types.js';
import { localTime, type LocalTime, type Weekday } from '../util/zoned-time.js';

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
 * Whether the team is in now and, when not, the next opening. The search walks forward minute-exactly over at most
 * two weeks of openings (holidays included), so a schedule that never opens answers "closed, no next opening".
 */
export function availability(hours: BusinessHours | undefined, now: Date): Availability {
  if (!hours) return { open: true, timeZone: 'UTC' };
  const local = localTime(now, hours.timeZone);
  if (spansOf(hours, local).some((s) => local.minutes >= s.from && local.minutes < s.to)) return { open: true, timeZone: hours.timeZone };
  // Walk forward to each candidate opening: later today, then the start of each following day.
  for (let day = 0; day <= 14; day++) {
    const probe = new Date(now.getTime() + day * 86_400_000);
    const probeLocal = localTime(probe, hours.timeZone);
    for (const span of spansOf(hours, probeLocal).sort((a, b) => a.from - b.from)) {
      if (day === 0 && span.from <= local.minutes) continue;
      const opening = atLocalMinutes(probe, probeLocal, span.from, hours.timeZone);
      if (opening.getTime() > now.getTime()) return { open: false, nextOpen: opening, timeZone: hours.timeZone };
    }
  }
  return { open: false, timeZone: hours.timeZone };
}

/** The instant of `minutes` past local midnight on `local.date`, correcting for the zone's offset (and DST). */
function atLocalMinutes(near: Date, local: LocalTime, minutes: number, timeZone: string): Date {
  let guess = new Date(near.getTime() + (minutes - local.minutes) * 60_000);
  // One or two corrections settle a daylight-saving change between `near` and the opening.
  for (let i = 0; i < 2; i++) {
    const seen = localTime(guess, timeZone);
    const dayShift = seen.date === local.date ? 0 : seen.date > local.date ? 1 : -1;
    const drift = seen.minutes + dayShift * 1440 - minutes;
    if (!drift) break;
    guess = new Date(guess.getTime() - drift * 60_000);
  }
  return guess;
}
