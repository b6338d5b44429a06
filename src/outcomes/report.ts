import { percentile } from '../util/stats.js';
import { DEFAULT_REPORTS_CONFIG } from './config.js';
import { clusterGaps, type ContentGap } from './gaps.js';
import type { ArticleFeedback, ArticleViews, OutcomeReader, SurveyAnswer } from './repository.js';
import { OUTCOME_NAMES, type OutcomeName } from './rules.js';

export interface ReportOptions {
  /** Conversations started at or after this. A date alone (2026-11-01) is the start of that day, UTC. */
  from?: string | Date;
  /** Conversations started before the end of this day (a date alone), or before this instant. */
  to?: string | Date;
  /** `reports.gapSimilarity`. */
  gapSimilarity?: number;
  /** `dialogue.thresholds.clarify`: a content gap whose best article reached this is a phrasing to add to it. */
  fairConfidence?: number;
  /** `reports.frustrationBands`. */
  frustrationBands?: readonly [number, number];
}

export interface Share { count: number; percent: number }

/** Helpfulness of an article or section: views are answers that showed it; yes and no are "¿Te sirvió?" answers. */
export interface Helpfulness { views: number; helpful: number; notHelpful: number; helpfulPercent: number | null }

export interface Report {
  period: { from: string | null; to: string | null };
  /** Conversations started in the period; every one is in exactly one of `outcomes`, so their percents add to 100. */
  conversations: number;
  outcomes: Record<OutcomeName | 'open', Share>;
  /** Of the open conversations, those waiting for or talking to the team. */
  openWithTeam: number;
  /** Conversations handed to a person at some point, whatever their outcome (not part of the 100%). */
  handedOff: Share;
  turns: { count: number; latencyMs: { p50: number; p95: number } };
  csat: { n: number; mean: number | null; satisfiedPercent: number | null; skipped: number };
  ces: { n: number; mean: number | null; skipped: number };
  /** From the start of a conversation to its resolution, over conversations resolved by the bot or an agent. */
  timeToResolution: { n: number; medianSeconds: number | null };
  /** Conversations by the highest frustration they reached. */
  frustration: { band: 'calm' | 'mild' | 'high'; from: number; to: number; count: number; percent: number }[];
  articles: (Helpfulness & { id: string; sections: (Helpfulness & { section: string })[] })[];
  gaps: ContentGap[];
}

/**
 * The figures of `escucha report` and `GET /api/reports` for the conversations started in a period. Outcomes are
 * counted once per conversation; a conversation still open is counted as `open` (its outcome is not decided yet), so
 * the six shares add up to 100% (rounded so that the printed ones do too). Call the recorder's `closeIdle` first to
 * decide the conversations that are over.
 */
export function computeReport(reader: OutcomeReader, options: ReportOptions = {}): Report {
  const period = { from: bound(options.from, 'start'), to: bound(options.to, 'end') };
  const rows = reader.outcomesStarted(period);
  const conversations = rows.length;
  const counts = new Map<OutcomeName | 'open', number>([...OUTCOME_NAMES, 'open' as const].map((name) => [name, 0]));
  for (const row of rows) {
    const key = row.ended ? row.outcome : 'open';
    counts.set(key, counts.get(key)! + 1);
  }
  const names = [...counts.keys()];
  const percents = sharesOf(names.map((n) => counts.get(n)!), conversations);
  const outcomes = Object.fromEntries(names.map((name, i) => [name, { count: counts.get(name)!, percent: percents[i]! }])) as Report['outcomes'];

  const handedOff = rows.filter((r) => r.handedOff).length;
  const resolutionSeconds = rows
    .filter((r) => r.ended && (r.outcome === 'resolved_by_bot' || r.outcome === 'resolved_by_agent') && r.resolvedAt)
    .map((r) => Math.max(0, (Date.parse(r.resolvedAt!) - Date.parse(r.startedAt)) / 1000));

  const [mild, high] = options.frustrationBands ?? DEFAULT_REPORTS_CONFIG.frustrationBands;
  const bands = [
    { band: 'calm' as const, from: 0, to: mild },
    { band: 'mild' as const, from: mild, to: high },
    { band: 'high' as const, from: high, to: 1 },
  ];
  const bandOf = (peak: number) => (peak >= high ? 2 : peak >= mild ? 1 : 0);
  const bandCounts = bands.map((_, i) => rows.filter((r) => bandOf(r.peakFrustration) === i).length);
  const bandPercents = sharesOf(bandCounts, conversations);

  const latencies = reader.turnLatencies(period).sort((a, b) => a - b);
  const csat = reader.surveyAnswers(period, 'csat');
  const ces = reader.surveyAnswers(period, 'ces');

  return {
    period,
    conversations,
    outcomes,
    // An open conversation's provisional outcome is `escalated` while it waits for or talks to the team.
    openWithTeam: rows.filter((r) => !r.ended && r.outcome === 'escalated').length,
    handedOff: { count: handedOff, percent: percentOf(handedOff, conversations) },
    turns: { count: latencies.length, latencyMs: { p50: round(percentile(latencies, 0.5), 1), p95: round(percentile(latencies, 0.95), 1) } },
    csat: { ...surveyFigures(csat), satisfiedPercent: scored(csat).length ? percentOf(scored(csat).filter((s) => s >= 4).length, scored(csat).length) : null },
    ces: surveyFigures(ces),
    timeToResolution: { n: resolutionSeconds.length, medianSeconds: resolutionSeconds.length ? Math.round(median(resolutionSeconds)) : null },
    frustration: bands.map((b, i) => ({ ...b, count: bandCounts[i]!, percent: bandPercents[i]! })),
    articles: articleFigures(reader.articleViews(period), reader.articleFeedback(period)),
    gaps: clusterGaps(reader.questions(period).map(({ bestArticleId, ...q }) => ({ ...q, ...(bestArticleId && { bestArticleId }) })), {
      similarity: options.gapSimilarity ?? DEFAULT_REPORTS_CONFIG.gapSimilarity,
      fairConfidence: options.fairConfidence ?? FAIR_CONFIDENCE,
    }),
  };
}

/** `dialogue.thresholds.clarify`'s default. */
const FAIR_CONFIDENCE = 0.25;

const scored = (rows: readonly SurveyAnswer[]) => rows.flatMap((r) => (r.score === null ? [] : [r.score]));

function surveyFigures(rows: readonly SurveyAnswer[]): { n: number; mean: number | null; skipped: number } {
  const scores = scored(rows);
  return {
    n: scores.length,
    mean: scores.length ? round(scores.reduce((a, b) => a + b, 0) / scores.length, 2) : null,
    skipped: rows.filter((r) => r.skipped && r.score === null).length,
  };
}

function articleFigures(views: readonly ArticleViews[], feedback: readonly ArticleFeedback[]): Report['articles'] {
  const articles = new Map<string, Map<string, { views: number; helpful: number; notHelpful: number }>>();
  const sectionOf = (id: string, section: string) => {
    const sections = articles.get(id) ?? new Map();
    articles.set(id, sections);
    const entry = sections.get(section) ?? { views: 0, helpful: 0, notHelpful: 0 };
    sections.set(section, entry);
    return entry;
  };
  for (const v of views) sectionOf(v.articleId, v.section ?? '').views += v.views;
  for (const f of feedback) {
    const entry = sectionOf(f.articleId, f.section);
    entry.helpful += f.helpful;
    entry.notHelpful += f.notHelpful;
  }
  const withPercent = <T extends { views: number; helpful: number; notHelpful: number }>(x: T) =>
    ({ ...x, helpfulPercent: x.helpful + x.notHelpful ? percentOf(x.helpful, x.helpful + x.notHelpful) : null });
  return [...articles.entries()].map(([id, sections]) => {
    const list = [...sections.entries()].map(([section, figures]) => withPercent({ section, ...figures }))
      .sort((a, b) => b.views - a.views || a.section.localeCompare(b.section));
    const total = list.reduce((sum, s) => ({ views: sum.views + s.views, helpful: sum.helpful + s.helpful, notHelpful: sum.notHelpful + s.notHelpful }),
      { views: 0, helpful: 0, notHelpful: 0 });
    return { id, ...withPercent(total), sections: list };
  }).sort((a, b) => b.views - a.views || (b.helpful + b.notHelpful) - (a.helpful + a.notHelpful) || a.id.localeCompare(b.id));
}

/**
 * Percents with one decimal that add up to exactly 100 (largest remainder): each count gets its share rounded down,
 * and the tenths left over go to the largest remainders.
 */
export function sharesOf(counts: readonly number[], total: number): number[] {
  if (!total) return counts.map(() => 0);
  const exact = counts.map((c) => (c * 1000) / total);
  const floors = exact.map(Math.floor);
  let left = 1000 - floors.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, rest: e - floors[i]! })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    if (counts[i]) { floors[i]!++; left--; }
  }
  return floors.map((f) => f / 10);
}

const percentOf = (part: number, whole: number) => (whole ? round((part * 100) / whole, 1) : 0);
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A date alone is a whole UTC day: `from` its start, `to` its end. */
function bound(value: string | Date | undefined, side: 'start' | 'end'): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = new Date(`${value}T00:00:00.000Z`);
    if (Number.isNaN(day.getTime())) throw new Error(`not a date: ${value}`);
    if (side === 'end') day.setUTCDate(day.getUTCDate() + 1);
    return day.toISOString();
  }
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`not a date: ${String(value)}`);
  return date.toISOString();
}
