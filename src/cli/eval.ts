import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config/index.js';
import { decideFromHits } from '../dialogue/policy.js';
import { loadKnowledge } from '../knowledge/index.js';
import { buildRetrieval, fitPlatt, GENERIC_SEMANTIC, retrievalSettings, USE_LITE_ID } from '../retrieval/index.js';
import { buildEvalSets, type EvalSet } from './eval-sets.js';
import { describeBuild, describeModel } from './index-command.js';
import { evaluateDialogue, formatDialogueReport } from './eval-dialogue.js';
import { emotionEvalCommand } from './eval-emotion.js';
import { UsageError, type CliIO } from './io.js';
import { latencySummary, round } from '../util/stats.js';

export const EVAL_HELP = `Usage:
  escucha eval retrieval --knowledge DIR --cases FILE.jsonl [--json] [--embedder lexical|use-lite|MODEL]
  escucha eval all [--shared DIR] [--json] [--embedder lexical|use-lite|MODEL]
  escucha eval calibrate [--shared DIR]
  escucha eval dialogue --knowledge DIR --cases FILE.jsonl [--json] [--failures] [--embedder ...]
  escucha eval emotion (--cases FILE.jsonl | --goemotions DIR [--split dev|test]) [--json] [--failures]

retrieval  indexes DIR, sends every case through the production search, thresholds and decision policy, and
           prints top1, top3, mrr, answeredCorrect, clarified, oosRejected, oosPrecision and latency.
all        turns the public sets in ../shared/eval (banking77, clinc150 with out-of-scope, tod-es) into knowledge
           folders under data/eval (K = 10 alternate questions per article), evaluates each, and prints a table.
calibrate  fits the confidence calibration (per search mode and language) on the sets' development queries,
           never their test queries, and prints it as code for src/retrieval/calibration.ts.
dialogue   replays multi-turn conversations through the dialogue engine and prints how many turns got the right
           decision and article, overall and for turns that need earlier context (--failures lists the wrong ones).
emotion    scores every message with the frustration detector and prints precision, recall, F1 and accuracy for
           "frustrated", overall and per language (escucha eval emotion --help).
--json     the last line of standard output is one JSON object with the figures.
`;

interface RetrievalCase { id: string; q: string; expect: string[]; lang?: string; context?: unknown[] }

export interface RetrievalReport {
  cases: number; inScope: number; outOfScope: number;
  top1: number; top3: number; mrr: number;
  answeredCorrect: number; clarified: number; oosRejected: number | null; oosPrecision: number | null;
  latencyMs: { p50: number; p95: number; p99: number };
  embedder: string;
  build: { articles: number; chunks: number; seconds: number };
}

function readCases(file: string): RetrievalCase[] {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch { throw new UsageError(`cannot read the cases file ${file}`); }
  return text.split('\n').map((line, i) => ({ line, i })).filter(({ line }) => line.trim()).map(({ line, i }) => {
    let value: unknown;
    try { value = JSON.parse(line); } catch { throw new UsageError(`${file}:${i + 1}: not a JSON object`); }
    const c = value as Partial<RetrievalCase>;
    if (typeof c.q !== 'string' || !Array.isArray(c.expect)) throw new UsageError(`${file}:${i + 1}: a case needs "q" (text) and "expect" (a list of article ids)`);
    return { id: String(c.id ?? i + 1), q: c.q, expect: c.expect.map(String), ...(c.lang && { lang: c.lang }) };
  });
}

const share = (n: number, d: number) => (d ? n / d : 0);

/**
 * The production retriever for a knowledge folder, indexed in a throwaway data folder. Why semantic search is off
 * or runs a fallback model goes to `note` (standard error), so a mistyped model id never passes unnoticed.
 */
async function retrieverFor(config: Config, knowledgeDir: string, note: (line: string) => void, embedder?: string,
  forCalibration?: { without: (articleId: string) => boolean }) {
  const started = performance.now();
  const loaded = await loadKnowledge({ dir: knowledgeDir, locales: config.locales, maxFileBytes: config.knowledge.maxFileBytes });
  const kb = forCalibration ? { ...loaded, published: loaded.published.filter((a) => !forCalibration.without(a.id)) } : loaded;
  // Evaluation never touches the production index.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'escucha-eval-'));
  try {
    const build = await buildRetrieval(kb, { ...retrievalSettings(config, embedder), dataDir, ...(forCalibration && { calibration: false }) });
    if (embedder !== 'lexical') for (const line of [...describeModel(build.model), ...describeBuild(build).filter((l) => l.startsWith('confidence'))]) note(line);
    return { retriever: build.retriever, seconds: (performance.now() - started) / 1000 };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function evaluateRetrieval(config: Config, knowledgeDir: string, casesFile: string, embedder?: string,
  note: (line: string) => void = () => {}): Promise<RetrievalReport> {
  const { retriever, seconds } = await retrieverFor(config, knowledgeDir, note, embedder);
  const cases = readCases(casesFile);
  const thresholds = config.dialogue.thresholds;
  let top1 = 0, top3 = 0, mrr = 0, answeredCorrect = 0, clarified = 0, oosRejected = 0, notAnswered = 0, notAnsweredOos = 0;
  const latencies: number[] = [];
  let mode = 'lexical';
  for (const c of cases) {
    const t0 = performance.now();
    const result = await retriever.search(c.q, c.lang ? { locale: c.lang } : {}, 10);
    const decision = decideFromHits(result.hits, thresholds);
    latencies.push(performance.now() - t0);
    mode = result.mode;
    const expected = new Set(c.expect);
    if (decision.decision !== 'answer') { notAnswered++; if (!expected.size) notAnsweredOos++; }
    if (!expected.size) { if (decision.decision !== 'answer') oosRejected++; continue; }
    const rank = result.hits.findIndex((h) => expected.has(h.article.id)) + 1;
    if (rank === 1) top1++;
    if (rank >= 1 && rank <= 3) top3++;
    if (rank) mrr += 1 / rank;
    if (decision.decision === 'answer' && expected.has(decision.hit.article.id)) answeredCorrect++;
    if (decision.decision === 'clarify' && decision.options.some((o) => expected.has(o.article.id))) clarified++;
  }
  const inScope = cases.filter((c) => c.expect.length).length;
  const outOfScope = cases.length - inScope;
  return {
    cases: cases.length, inScope, outOfScope,
    top1: round(share(top1, inScope)), top3: round(share(top3, inScope)), mrr: round(share(mrr, inScope)),
    answeredCorrect: round(share(answeredCorrect, inScope)), clarified: round(share(clarified, inScope)),
    oosRejected: outOfScope ? round(share(oosRejected, outOfScope)) : null,
    oosPrecision: notAnswered ? round(share(notAnsweredOos, notAnswered)) : null,
    latencyMs: latencySummary(latencies),
    embedder: mode,
    build: { articles: retriever.size.articles, chunks: retriever.size.sections, seconds: round(seconds, 2) },
  };
}

const pct = (n: number | null) => (n === null ? '–' : `${(n * 100).toFixed(1)}`);

export async function evalCommand(args: string[], io: CliIO): Promise<number> {
  const [kind, ...rest] = args;
  if (!kind || kind === '--help' || kind === '-h') { io.stdout(EVAL_HELP); return kind ? 0 : 2; }
  if (kind === 'emotion') return emotionEvalCommand(rest, io);
  const { values } = parseArgs({
    args: rest, strict: true, allowPositionals: false,
    options: { knowledge: { type: 'string' }, cases: { type: 'string' }, json: { type: 'boolean' }, embedder: { type: 'string' }, shared: { type: 'string' }, config: { type: 'string' }, failures: { type: 'boolean' } },
  });
  const config = await loadConfig({ root: io.cwd, env: io.env, ...(values.config && { file: values.config }) });
  const noted = new Set<string>();
  // Said once per run, however many sets hit the same problem.
  const note = (line: string) => { if (!noted.has(line)) { noted.add(line); io.stderr(`${line}\n`); } };
  if (kind === 'retrieval') {
    if (!values.knowledge || !values.cases) throw new UsageError('eval retrieval needs --knowledge DIR and --cases FILE.jsonl');
    const report = await evaluateRetrieval(config, path.resolve(io.cwd, values.knowledge), path.resolve(io.cwd, values.cases), values.embedder, note);
    if (!values.json) io.stdout(formatReport(report));
    else io.stdout(`${JSON.stringify(report)}\n`);
    return 0;
  }
  if (kind === 'all') {
    const sets = evalSets(io, values.shared, config);
    const rows: Record<string, RetrievalReport> = {};
    io.stdout('| set | mode | top-1 | top-3 | MRR | answered correctly | clarified | OOS turned away | p50 ms | p95 ms |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n');
    for (const set of sets) {
      // Without --embedder, each set runs lexical-only and as configured, so the table shows what the model adds.
      const modes = values.embedder ? [values.embedder] : ['lexical', undefined];
      for (const mode of modes) {
        const r = await evaluateRetrieval(config, set.knowledge, set.cases, mode, note);
        if (mode === undefined && r.embedder === 'lexical') continue;
        rows[`${set.name}/${r.embedder}`] = r;
        io.stdout(`| ${set.name} | ${r.embedder} | ${pct(r.top1)} | ${pct(r.top3)} | ${pct(r.mrr)} | ${pct(r.answeredCorrect)} | ${pct(r.clarified)} | ${pct(r.oosRejected)} | ${r.latencyMs.p50} | ${r.latencyMs.p95} |\n`);
      }
    }
    if (values.json) io.stdout(`${JSON.stringify(rows)}\n`);
    return 0;
  }
  if (kind === 'dialogue') {
    if (!values.knowledge || !values.cases) throw new UsageError('eval dialogue needs --knowledge DIR and --cases FILE.jsonl');
    const report = await evaluateDialogue(config, path.resolve(io.cwd, values.knowledge), path.resolve(io.cwd, values.cases), values.embedder);
    if (values.json) io.stdout(`${JSON.stringify(report)}\n`);
    else io.stdout(formatDialogueReport(report, !!values.failures));
    return 0;
  }
  if (kind === 'calibrate') {
    io.stdout(await fitCalibration(config, evalSets(io, values.shared, config), note));
    return 0;
  }
  throw new UsageError(`unknown evaluation "${kind}" (expected retrieval, dialogue, emotion, all or calibrate)`);
}

function evalSets(io: CliIO, shared: string | undefined, config: Config): EvalSet[] {
  try {
    return buildEvalSets(path.resolve(io.cwd, shared ?? '../shared/eval'), path.join(config.data.dir, 'eval'));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * Top-1 raw scores on development queries, labelled right or wrong, pooled per calibration key, then fitted.
 * Every fourth article is left out of the knowledge base, so its queries play the out-of-scope questions real
 * customers ask (most sets have none, and a calibration that never saw one would answer them).
 */
async function fitCalibration(config: Config, sets: readonly EvalSet[], note: (line: string) => void): Promise<string> {
  const samples = new Map<string, { score: number; correct: boolean; outOfScope: boolean }[]>();
  for (const set of sets) {
    const ids = [...new Set(readCases(set.devCases).flatMap((c) => c.expect))].sort();
    const leftOut = new Set(ids.filter((_, i) => i % 4 === 3));
    for (const embedder of set.locale === 'en' ? ['lexical', USE_LITE_ID] : ['lexical']) {
      const { retriever } = await retrieverFor(config, set.knowledge, note, embedder, { without: (id) => leftOut.has(id) });
      if (embedder !== 'lexical' && retriever.semanticModel?.id !== embedder) {
        throw new UsageError(`cannot calibrate ${embedder}: the model did not load (see above)`);
      }
      for (const c of readCases(set.devCases)) {
        const best = (await retriever.search(c.q, c.lang ? { locale: c.lang } : {}, 1)).hits[0];
        if (!best) continue;
        const list = samples.get(best.signals.calibration) ?? [];
        list.push({ score: best.signals.raw, correct: c.expect.includes(best.article.id), outOfScope: !c.expect.some((id) => !leftOut.has(id)) });
        samples.set(best.signals.calibration, list);
      }
    }
  }
  const semantic = [...samples].filter(([key]) => !key.startsWith('lexical/')).flatMap(([, list]) => list);
  if (semantic.length) samples.set(GENERIC_SEMANTIC, semantic);
  const lines = ['export const DEFAULT_CALIBRATION: Calibration = {'];
  for (const [key, list] of [...samples].sort(([a], [b]) => a.localeCompare(b))) {
    const { slope, intercept } = fitPlatt(list);
    const percent = (n: number) => (100 * n / list.length).toFixed(1);
    lines.push(`  // ${list.length} development queries, ${percent(list.filter((s) => s.outOfScope).length)}% out of scope; `
      + `${percent(list.filter((s) => s.correct).length)}% right at top 1`);
    lines.push(`  '${key}': { slope: ${slope.toFixed(3)}, intercept: ${intercept.toFixed(3)} },`);
  }
  return `${lines.join('\n')}\n};\n`;
}

function formatReport(r: RetrievalReport): string {
  return [
    `cases ${r.cases} (in scope ${r.inScope}, out of scope ${r.outOfScope}); embedder ${r.embedder}`,
    `top-1 ${pct(r.top1)}%  top-3 ${pct(r.top3)}%  MRR ${pct(r.mrr)}`,
    `answered correctly ${pct(r.answeredCorrect)}%  clarified ${pct(r.clarified)}%  out of scope turned away ${pct(r.oosRejected)}%  precision of not answering ${pct(r.oosPrecision)}%`,
    `latency per case p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, p99 ${r.latencyMs.p99} ms`,
    `build ${r.build.articles} articles, ${r.build.chunks} sections in ${r.build.seconds} s`,
    '',
  ].join('\n');
}
