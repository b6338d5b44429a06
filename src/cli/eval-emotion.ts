import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { detectLanguage } from '../dialogue/language.js';
import { DEFAULT_FRUSTRATED_THRESHOLD, scoreMessage } from '../emotion/index.js';
import { latencySummary, round } from '../util/stats.js';
import { UsageError, type CliIO } from './io.js';

export interface EmotionCase { id: string; text: string; lang: string; frustrated: boolean; history: string[] }

interface Counts { cases: number; precision: number; recall: number; f1: number; accuracy: number; tp: number; fp: number; fn: number; tn: number }

export interface EmotionReport extends Counts {
  byLang: Record<string, Counts>;
  latencyMs: { p50: number; p95: number; p99: number };
  threshold: number;
  /** Where the cases came from: the case file, or "goemotions/<split>" with the rows the mapping left out. */
  source: string;
  excluded?: number;
  failures: { id: string; lang: string; text: string; expected: boolean; score: number; reasons: string }[];
}

/**
 * GoEmotions (Reddit comments, 27 emotions + neutral, several labels per row) as frustrated / not frustrated:
 * frustrated when a label is anger, annoyance, disappointment or disgust and the others are neutral or among those;
 * not frustrated when every label is one of the calm or positive ones below. Rows with a sad, anxious, ashamed,
 * confused or disapproving label, or mixing a frustrated label with a positive one, are left out: they are neither
 * clearly frustrated nor clearly not.
 */
export const GOEMOTIONS_FRUSTRATED = new Set(['anger', 'annoyance', 'disappointment', 'disgust']);
export const GOEMOTIONS_NOT_FRUSTRATED = new Set(['neutral', 'admiration', 'amusement', 'approval', 'caring', 'curiosity',
  'desire', 'excitement', 'gratitude', 'joy', 'love', 'optimism', 'pride', 'realization', 'relief', 'surprise']);

export const EVAL_EMOTION_HELP = `Usage:
  escucha eval emotion --cases FILE.jsonl [--json] [--failures] [--threshold N]
  escucha eval emotion --goemotions DIR [--split dev|test] [--json] [--failures] [--threshold N]

Scores every message with the frustration detector and prints precision, recall, F1 and accuracy for
"frustrated", overall and per language. Cases: {"id": "...", "text": "...", "lang": "es", "frustrated": true,
"context": ["earlier customer message", ...]} (context optional). --goemotions reads DIR/<split>.tsv and
DIR/labels.txt and maps the labels: frustrated = anger, annoyance, disappointment, disgust; not frustrated =
neutral and the positive or curious emotions; rows with other emotions are left out (see eval/README.md).
--threshold  score from which a message counts as frustrated (default ${DEFAULT_FRUSTRATED_THRESHOLD}).
--json       the last line of standard output is one JSON object with the figures.
`;

function readLines(file: string): string[] {
  try { return readFileSync(file, 'utf8').split('\n'); } catch { throw new UsageError(`cannot read ${file}`); }
}

export function readEmotionCases(file: string): EmotionCase[] {
  return readLines(file).map((line, i) => ({ line, i })).filter(({ line }) => line.trim()).map(({ line, i }) => {
    let value: unknown;
    try { value = JSON.parse(line); } catch { throw new UsageError(`${file}:${i + 1}: not a JSON object`); }
    const c = value as { id?: unknown; text?: unknown; lang?: unknown; frustrated?: unknown; context?: unknown };
    if (typeof c.text !== 'string' || typeof c.frustrated !== 'boolean') {
      throw new UsageError(`${file}:${i + 1}: a case needs "text" (the message) and "frustrated" (true or false)`);
    }
    const history = customerMessages(c.context);
    const lang = typeof c.lang === 'string' ? c.lang : detectLanguage(c.text, ['es', 'en'])?.locale ?? 'en';
    return { id: String(c.id ?? i + 1), text: c.text, lang, frustrated: c.frustrated, history };
  });
}

/** The customer's earlier messages in a case's context: plain strings, and turns whose role is not "bot". */
function customerMessages(context: unknown): string[] {
  if (!Array.isArray(context)) return [];
  return context.flatMap((turn: unknown) => {
    if (typeof turn === 'string') return [turn];
    const t = turn as { role?: unknown; text?: unknown } | null;
    return t && t.role !== 'bot' && typeof t.text === 'string' ? [t.text] : [];
  });
}

/** GoEmotions rows (`text<TAB>label ids<TAB>comment id`) mapped as documented above, and how many were left out. */
export function readGoEmotions(dir: string, split: string): { cases: EmotionCase[]; excluded: number } {
  const labels = readLines(path.join(dir, 'labels.txt')).map((l) => l.trim()).filter(Boolean);
  const cases: EmotionCase[] = [];
  let excluded = 0;
  for (const [i, line] of readLines(path.join(dir, `${split}.tsv`)).entries()) {
    if (!line.trim()) continue;
    const [text, ids, commentId] = line.split('\t');
    if (text === undefined || ids === undefined) throw new UsageError(`${path.join(dir, `${split}.tsv`)}:${i + 1}: expected text<TAB>label ids<TAB>id`);
    const names = ids.split(',').map((id) => labels[Number(id)] ?? `label ${id}`);
    const frustrated = names.some((n) => GOEMOTIONS_FRUSTRATED.has(n)) && names.every((n) => GOEMOTIONS_FRUSTRATED.has(n) || n === 'neutral');
    const calm = names.every((n) => GOEMOTIONS_NOT_FRUSTRATED.has(n));
    if (!frustrated && !calm) { excluded++; continue; }
    // The data set masks names as [NAME] and [RELIGION]; in capitals they would read as shouting.
    const unmasked = text.replace(/\[NAME\]/g, 'Sam').replace(/\[RELIGION\]/g, 'religion');
    cases.push({ id: `ge-${split}-${commentId ?? i + 1}`, text: unmasked, lang: 'en', frustrated, history: [] });
  }
  return { cases, excluded };
}

function counts(results: readonly { expected: boolean; got: boolean }[]): Counts {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (const r of results) {
    if (r.expected && r.got) tp++; else if (r.got) fp++; else if (r.expected) fn++; else tn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return {
    cases: results.length, precision: round(precision), recall: round(recall), f1: round(f1),
    accuracy: round(results.length ? (tp + tn) / results.length : 0), tp, fp, fn, tn,
  };
}

export function evaluateEmotion(cases: readonly EmotionCase[], source: string, threshold = DEFAULT_FRUSTRATED_THRESHOLD): EmotionReport {
  const results: { lang: string; expected: boolean; got: boolean }[] = [];
  const latencies: number[] = [];
  const failures: EmotionReport['failures'] = [];
  // Latency as a running server sees it: lexicons loaded and the code compiled by one untimed pass first.
  for (const c of cases) scoreMessage(c.text, c.lang, c.history);
  for (const c of cases) {
    const started = performance.now();
    const { score, reasons } = scoreMessage(c.text, c.lang, c.history);
    latencies.push(performance.now() - started);
    const got = score >= threshold;
    results.push({ lang: c.lang, expected: c.frustrated, got });
    if (got !== c.frustrated) {
      const why = reasons.map((r) => `${r.kind} "${r.match}" ${r.weight}`).join('; ');
      failures.push({ id: c.id, lang: c.lang, text: c.text, expected: c.frustrated, score, reasons: why });
    }
  }
  const byLang: Record<string, Counts> = {};
  for (const lang of [...new Set(results.map((r) => r.lang))].sort()) byLang[lang] = counts(results.filter((r) => r.lang === lang));
  return { ...counts(results), byLang, latencyMs: latencySummary(latencies), threshold, source, failures };
}

const pct = (n: number) => (n * 100).toFixed(1);

export function formatEmotionReport(r: EmotionReport, showFailures: boolean): string {
  const row = (name: string, c: Counts) =>
    `| ${name} | ${c.cases} | ${c.tp + c.fn} | ${pct(c.precision)} | ${pct(c.recall)} | ${pct(c.f1)} | ${pct(c.accuracy)} |`;
  return [
    `${r.source}: ${r.cases} messages${r.excluded ? ` (${r.excluded} rows left out by the label mapping)` : ''}; frustrated from score ${r.threshold}`,
    '| language | cases | frustrated | precision | recall | F1 | accuracy |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...Object.entries(r.byLang).map(([lang, c]) => row(lang, c)),
    row('all', r),
    `latency per message p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, p99 ${r.latencyMs.p99} ms`,
    ...(showFailures ? ['', 'wrong:', ...r.failures.map((f) =>
      `  ${f.id} [${f.expected ? 'frustrated' : 'calm'}, score ${f.score}] ${JSON.stringify(f.text)}${f.reasons ? ` (${f.reasons})` : ''}`)] : []),
    '',
  ].join('\n');
}

export async function emotionEvalCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args, strict: true, allowPositionals: false,
    options: {
      cases: { type: 'string' }, goemotions: { type: 'string' }, split: { type: 'string' }, threshold: { type: 'string' },
      json: { type: 'boolean' }, failures: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) { io.stdout(EVAL_EMOTION_HELP); return 0; }
  if (!values.cases === !values.goemotions) throw new UsageError('eval emotion needs either --cases FILE.jsonl or --goemotions DIR');
  const split = values.split ?? 'dev';
  if (!['dev', 'test'].includes(split)) throw new UsageError(`--split must be dev or test (got "${split}")`);
  const threshold = values.threshold === undefined ? DEFAULT_FRUSTRATED_THRESHOLD : Number(values.threshold);
  if (!(threshold >= 0 && threshold <= 1)) throw new UsageError(`--threshold must be a number between 0 and 1 (got "${values.threshold}")`);
  let report: EmotionReport;
  if (values.cases) {
    const file = path.resolve(io.cwd, values.cases);
    report = evaluateEmotion(readEmotionCases(file), path.relative(io.cwd, file) || file, threshold);
  } else {
    const { cases, excluded } = readGoEmotions(path.resolve(io.cwd, values.goemotions!), split);
    report = { ...evaluateEmotion(cases, `goemotions/${split}`, threshold), excluded };
  }
  if (values.json) {
    if (values.failures) io.stdout(formatEmotionReport(report, true));
    const { failures, ...figures } = report;
    io.stdout(`${JSON.stringify({ ...figures, failures: failures.length })}\n`);
  } else {
    io.stdout(formatEmotionReport(report, !!values.failures));
  }
  return 0;
}
