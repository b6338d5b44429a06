import type { OutcomeReader } from './repository.js';
import { OUTCOME_NAMES, type OutcomeName } from './rules.js';

/** One UTC day of the conversations started on it, counted as the report counts them. */
export interface DayFigures {
  day: string;
  conversations: number;
  /** A conversation still open is `open`, never its provisional outcome. */
  outcomes: Record<OutcomeName | 'open', number>;
  /** Percent of the day's conversations (one decimal), as the report's rates: resolved by the bot, by an agent... */
  rates: { botResolution: number; agentResolution: number; escalation: number; handedOff: number };
  csat: { n: number; mean: number | null };
  ces: { n: number; mean: number | null };
}

export interface SeriesOptions {
  /** As the report's: a date alone is that whole UTC day; an instant is taken as it is. */
  from?: string | Date;
  to?: string | Date;
}

/** A period longer than this is drawn from its first to its last day with conversations, not padded with zeros. */
const MAX_PADDED_DAYS = 366;
const DAY_MS = 86_400_000;

/**
 * The report's outcomes, rates and survey means per day, for charts over time. Every day of the period is there
 * (days without conversations count zero) when the period is given and at most a year long; otherwise the days
 * run from the first to the last day that has conversations.
 */
export function dailySeries(reader: OutcomeReader, options: SeriesOptions = {}): DayFigures[] {
  const from = instant(options.from, 'start');
  const to = instant(options.to, 'end');
  // A conversation's day is the UTC day it started on.
  const rows = reader.outcomesStarted({ from, to }).map((r) => ({ ...r, day: r.startedAt.slice(0, 10) }));
  const surveys = reader.surveysByDay({ from, to });

  const days = new Map<string, { outcomes: Record<OutcomeName | 'open', number>; handedOff: number; csat: DayFigures['csat']; ces: DayFigures['ces'] }>();
  const dayOf = (day: string) => {
    let entry = days.get(day);
    if (!entry) {
      entry = {
        outcomes: Object.fromEntries([...OUTCOME_NAMES, 'open'].map((name) => [name, 0])) as Record<OutcomeName | 'open', number>,
        handedOff: 0, csat: { n: 0, mean: null }, ces: { n: 0, mean: null },
      };
      days.set(day, entry);
    }
    return entry;
  };
  for (const day of dayRange(from, to, rows.map((r) => r.day))) dayOf(day);
  for (const row of rows) {
    const entry = dayOf(row.day);
    entry.outcomes[row.ended ? row.outcome : 'open']++;
    if (row.handedOff) entry.handedOff++;
  }
  for (const s of surveys) dayOf(s.day)[s.kind] = { n: s.n, mean: round(s.mean, 2) };

  return [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, entry]) => {
    const conversations = Object.values(entry.outcomes).reduce((a, b) => a + b, 0);
    const percent = (count: number) => (conversations ? round((count * 100) / conversations, 1) : 0);
    return {
      day, conversations, outcomes: entry.outcomes,
      rates: {
        botResolution: percent(entry.outcomes.resolved_by_bot), agentResolution: percent(entry.outcomes.resolved_by_agent),
        escalation: percent(entry.outcomes.escalated), handedOff: percent(entry.handedOff),
      },
      csat: entry.csat, ces: entry.ces,
    };
  });
}

/** The days to show: the whole period when it is given and not too long, else from the first to the last day seen. */
function dayRange(from: string | null, to: string | null, seen: readonly string[]): string[] {
  const padded = from !== null && to !== null && Date.parse(to) - Date.parse(from) <= MAX_PADDED_DAYS * DAY_MS;
  const sorted = [...seen].sort();
  const first = padded ? from!.slice(0, 10) : sorted[0];
  // `to` is exclusive: the last day is the one its previous millisecond falls on.
  const last = padded ? new Date(Date.parse(to!) - 1).toISOString().slice(0, 10) : sorted.at(-1);
  if (!first || !last) return [];
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

function instant(value: string | Date | undefined, side: 'start' | 'end'): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = Date.parse(`${value}T00:00:00.000Z`);
    if (Number.isNaN(day)) throw new Error(`not a date: ${value}`);
    return new Date(side === 'end' ? day + DAY_MS : day).toISOString();
  }
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`not a date: ${String(value)}`);
  return date.toISOString();
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
