import type { ContentGap } from './gaps.js';
import type { Report } from './report.js';
import type { OutcomeName } from './rules.js';

/**
 * The report as text for operators: a table, or CSV. Both print the figures of the Report object as they are (no
 * rounding of their own), so the JSON, the table and the CSV always agree.
 */

const OUTCOME_LABELS: Record<OutcomeName | 'open', string> = {
  resolved_by_bot: 'resolved by the bot',
  resolved_by_agent: 'resolved by an agent',
  escalated: 'escalated (case still open)',
  unresolved: 'unresolved',
  abandoned: 'abandoned',
  open: 'open',
};

export function formatReportTable(report: Report): string {
  const lines: string[] = [];
  const row = (label: string, value: string | number, extra = '') => lines.push(`${label.padEnd(30)}${String(value).padStart(10)}${extra}`);
  const pct = (n: number | null) => (n === null ? '–' : `${n.toFixed(1)}%`);

  lines.push(`Escucha report: ${describePeriod(report.period)}`, '');
  row('Conversations', report.conversations);
  for (const [name, share] of Object.entries(report.outcomes) as [OutcomeName | 'open', Report['outcomes'][OutcomeName]][]) {
    const team = name === 'open' && report.openWithTeam ? `   (${report.openWithTeam} with the team)` : '';
    row(`  ${OUTCOME_LABELS[name]}`, share.count, `${pct(share.percent).padStart(8)}${team}`);
  }
  row('Handed to a person', report.handedOff.count, `${pct(report.handedOff.percent).padStart(8)}   (at some point)`);
  lines.push('');
  const { csat, ces } = report;
  row('CSAT (1-5)', csat.mean === null ? '–' : csat.mean.toFixed(2),
    `   n=${csat.n}, ${pct(csat.satisfiedPercent)} gave 4-5, ${csat.skipped} skipped`);
  row('CES (1-7, 7 easiest)', ces.mean === null ? '–' : ces.mean.toFixed(2), `   n=${ces.n}, ${ces.skipped} skipped`);
  row('Median time to resolution', report.timeToResolution.medianSeconds === null ? '–' : duration(report.timeToResolution.medianSeconds),
    `   n=${report.timeToResolution.n}`);
  row('Bot reply time (p50)', `${report.turns.latencyMs.p50} ms`, `   p95 ${report.turns.latencyMs.p95} ms, ${report.turns.count} turns`);

  lines.push('', 'Peak frustration');
  for (const band of report.frustration) {
    const range = band.band === 'calm' ? `< ${band.to}` : band.band === 'high' ? `>= ${band.from}` : `${band.from}-${band.to}`;
    row(`  ${band.band} (${range})`, band.count, pct(band.percent).padStart(8));
  }

  lines.push('', report.articles.length ? `${'Articles'.padEnd(33)}${'views'.padStart(7)}${'yes'.padStart(6)}${'no'.padStart(6)}${'helpful'.padStart(9)}` : 'Articles: none shown');
  const articleRow = (label: string, a: { views: number; helpful: number; notHelpful: number; helpfulPercent: number | null }) =>
    lines.push(`${label.padEnd(33)}${String(a.views).padStart(7)}${String(a.helpful).padStart(6)}${String(a.notHelpful).padStart(6)}${pct(a.helpfulPercent).padStart(9)}`);
  for (const article of report.articles) {
    articleRow(`  ${article.id}`, article);
    if (article.sections.length > 1 || article.sections[0]?.section) {
      for (const section of article.sections) articleRow(`    #${section.section || '(introduction)'}`, section);
    }
  }

  lines.push('', report.gaps.length ? 'Content gaps (questions without a good answer)' : 'Content gaps: none');
  report.gaps.forEach((gap, i) => {
    lines.push(`  ${i + 1}. ${gap.count}× [${gap.locale}] ${gap.examples.map((e) => `"${e}"`).join(' · ')}`);
    lines.push(`     best confidence ${gap.bestConfidence}: ${describeSuggestion(gap)}`);
  });
  return `${lines.join('\n')}\n`;
}

export function describeSuggestion(gap: ContentGap): string {
  return gap.suggestion.action === 'new_article'
    ? 'write a new article'
    : `add as an alternate question to article ${gap.suggestion.articleId}`;
}

/**
 * One figure per line: `section,item,metric,value`, e.g. `outcomes,resolved_by_bot,percent,41.7` or
 * `articles,roaming-ue#como-activarlo,helpful,2`.
 */
export function formatReportCsv(report: Report): string {
  const rows: (string | number | null)[][] = [['section', 'item', 'metric', 'value']];
  const add = (section: string, item: string, metric: string, value: string | number | null) => rows.push([section, item, metric, value]);
  add('period', '', 'from', report.period.from);
  add('period', '', 'to', report.period.to);
  add('conversations', '', 'count', report.conversations);
  for (const [name, share] of Object.entries(report.outcomes)) {
    add('outcomes', name, 'count', share.count);
    add('outcomes', name, 'percent', share.percent);
  }
  add('outcomes', 'open', 'with_team', report.openWithTeam);
  add('handed_off', '', 'count', report.handedOff.count);
  add('handed_off', '', 'percent', report.handedOff.percent);
  for (const [metric, value] of Object.entries(report.csat)) add('csat', '', snake(metric), value);
  for (const [metric, value] of Object.entries(report.ces)) add('ces', '', snake(metric), value);
  add('time_to_resolution', '', 'n', report.timeToResolution.n);
  add('time_to_resolution', '', 'median_seconds', report.timeToResolution.medianSeconds);
  add('turns', '', 'count', report.turns.count);
  add('turns', '', 'latency_ms_p50', report.turns.latencyMs.p50);
  add('turns', '', 'latency_ms_p95', report.turns.latencyMs.p95);
  for (const band of report.frustration) {
    add('frustration', band.band, 'from', band.from);
    add('frustration', band.band, 'to', band.to);
    add('frustration', band.band, 'count', band.count);
    add('frustration', band.band, 'percent', band.percent);
  }
  for (const article of report.articles) {
    const figures = (item: string, a: { views: number; helpful: number; notHelpful: number; helpfulPercent: number | null }) => {
      add('articles', item, 'views', a.views);
      add('articles', item, 'helpful', a.helpful);
      add('articles', item, 'not_helpful', a.notHelpful);
      add('articles', item, 'helpful_percent', a.helpfulPercent);
    };
    figures(article.id, article);
    for (const section of article.sections) figures(`${article.id}#${section.section}`, section);
  }
  report.gaps.forEach((gap, i) => {
    const item = String(i + 1);
    add('gaps', item, 'locale', gap.locale);
    add('gaps', item, 'count', gap.count);
    add('gaps', item, 'best_confidence', gap.bestConfidence);
    add('gaps', item, 'action', gap.suggestion.action);
    add('gaps', item, 'article', gap.suggestion.action === 'alternate_question' ? gap.suggestion.articleId : null);
    gap.examples.forEach((example, j) => add('gaps', item, `example_${j + 1}`, example));
  });
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  // Customers' words that start like a formula ("=HYPERLINK(...)") would run in a spreadsheet: quoted as text.
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function describePeriod(period: Report['period']): string {
  const day = (iso: string) => iso.replace(/T00:00:00\.000Z$/, '');
  // `to` is exclusive; a whole-day bound reads better as the last day included.
  const lastDay = (iso: string) => (iso.endsWith('T00:00:00.000Z') ? new Date(Date.parse(iso) - 86_400_000).toISOString().slice(0, 10) : iso);
  const from = period.from ? day(period.from) : 'the beginning';
  const to = period.to ? lastDay(period.to) : 'now';
  return `conversations started from ${from} to ${to} (UTC)`;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
