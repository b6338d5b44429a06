import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type Config, retrievalSettings } from '../config/index.js';
import { decideFromHits } from '../dialogue/policy.js';
import { loadKnowledge } from '../knowledge/index.js';
import {
  buildRetrieval, DEFAULT_FUSION, fitFusion, fitPlatt, GENERIC_SEMANTIC, SIGNALS, STATIC_MODEL_ID, USE_LITE_ID, type FusionSample,
} from '../retrieval/index.js';
import { buildEvalSets, type EvalSet } from './eval-sets.js';
import { describeBuild, describeModel } from '../retrieval/describe.js';
import { evaluateDialogue, formatDialogueReport } from './eval-dialogue.js';
import { emotionEvalCommand } from './eval-emotion.js';
import { type CliIO, configFor, UsageError } from './io.js';
import { latencySummary, round } from '../util/stats.js';

export const EVAL_HELP = `Usage:
  escucha eval retrieval --knowledge DIR --cases FILE.jsonl [--json] [--embedder MODELS] [--ranker on|off]
  escucha eval all [--shared DIR] [--json] [--embedder MODELS] [--ranker on|off] [--ablation] [--split test|dev]
  escucha eval calibrate [--shared DIR]
  escucha eval dialogue --knowledge DIR --cases FILE.jsonl [--json] [--failures] [--embedder ...] [--ranker on|off]
  escucha eval emotion (--cases FILE.jsonl | --goemotions DIR [--split dev|test]) [--json] [--failures]

retrieval  indexes DIR, sends every case through the production search, thresholds and decision policy, and
           prints top1, top3, mrr, answeredCorrect, clarified, oosRejected, oosPrecision, the AUROC of the best
           confidence for in-scope against out-of-scope questions, and latency.
all        turns the public sets in ../shared/eval (banking77, clinc150 with out-of-scope, tod-es, and tod-es's
           Spanish questions against its topics written in English) into knowledge folders under data/eval (K = 10
           alternate questions per article), evaluates each lexical-only and with the model, and prints a table.
           --ablation adds each shipped model alone (escucha-bilingual, use-lite), and each of those without the
           knowledge base's ranker (retrieval.ranker). --split dev runs the development queries (for choices)
           instead of the test queries (for the figures reported).
calibrate  fits the confidence calibration used without the ranker (per search mode and language) and the ranker's
           built-in fusion on the sets' development queries, never their test queries, and prints them as code
           for src/retrieval/calibration.ts and src/retrieval/ranker.ts.
dialogue   replays multi-turn conversations through the dialogue engine and prints how many turns got the right
           decision and article, overall and for turns that need earlier context (--failures lists the wrong ones).
emotion    scores every message with the frustration detector and prints precision, recall, F1 and accuracy for
           "frustrated", overall and per language (escucha eval emotion --help).
--embedder overrides retrieval.embedder: lexical, bundled (escucha-bilingual and use-lite together, the default),
           escucha-bilingual, use-lite, or a transformers.js model id (alone).
--ranker   overrides retrieval.ranker (the ranker learned from each knowledge base's alternate questions).
--json     the last line of standard output is one JSON object with the figures.
`;

interface RetrievalCase { id: string; q: string; expect: string[]; lang?: string; context?: unknown[] }

export interface RetrievalReport {
  cases: number; inScope: number; outOfScope: number;
  top1: number; top3: number; mrr: number;
  answeredCorrect: number; clarified: number; oosRejected: number | null; oosPrecision: number | null;
  /** Area under the ROC curve of the best hit's confidence, in-scope against out-of-scope questions. */
  auroc: number | null;
  latencyMs: { p50: number; p95: number; p99: number };
  embedder: string;
  /** The knowledge base's ranker ranked and gave the confidence. */
  ranker: boolean;
  build: { articles: number; chunks: number; seconds: number; rankerSeconds?: number };
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
  forCalibration?: { without: (articleId: string) => boolean; raw: boolean }) {
  const started = performance.now();
  const loaded = await loadKnowledge({ dir: knowledgeDir, locales: config.locales, maxFileBytes: config.knowledge.maxFileBytes });
  const kb = forCalibration ? { ...loaded, published: loaded.published.filter((a) => !forCalibration.without(a.id)) } : loaded;
  // Evaluation never touches the production index.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'escucha-eval-'));
  try {
    const build = await buildRetrieval(kb, { ...retrievalSettings(config, embedder), dataDir, ...(forCalibration?.raw && { calibration: false, ranker: false }) });
    if (embedder !== 'lexical') for (const line of [...describeModel(build.model), ...describeBuild(build).filter((l) => l.startsWith('confidence'))]) note(line);
    return { retriever: build.retriever, seconds: (performance.now() - started) / 1000, rankerSeconds: build.ranker?.seconds };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function evaluateRetrieval(config: Config, knowledgeDir: string, casesFile: string, embedder?: string,
  note: (line: string) => void = () => {}): Promise<RetrievalReport> {
  const { retriever, seconds, rankerSeconds } = await retrieverFor(config, knowledgeDir, note, embedder);
  const cases = readCases(casesFile);
  const best = { inScope: [] as number[], outOfScope: [] as number[] };
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
    (expected.size ? best.inScope : best.outOfScope).push(result.hits[0]?.confidence ?? 0);
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
    auroc: best.inScope.length && best.outOfScope.length ? round(auroc(best.inScope, best.outOfScope)) : null,
    latencyMs: latencySummary(latencies),
    embedder: mode,
    ranker: !!retriever.ranker,
    build: {
      articles: retriever.size.articles, chunks: retriever.size.sections, seconds: round(seconds, 2),
      ...(rankerSeconds !== undefined && { rankerSeconds: round(rankerSeconds, 2) }),
    },
  };
}

/** The probability that an in-scope question's score is above an out-of-scope one's (ties count half). */
export function auroc(positives: readonly number[], negatives: readonly number[]): number {
  const all = [...positives.map((score) => ({ score, positive: true })), ...negatives.map((score) => ({ score, positive: false }))]
    .sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]!.score === all[i]!.score) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]!.positive) rankSum += rank;
    i = j;
  }
  return (rankSum - positives.length * (positives.length + 1) / 2) / (positives.length * negatives.length);
}

const pct = (n: number | null) => (n === null ? '–' : `${(n * 100).toFixed(1)}`);
const decimal = (n: number | null) => (n === null ? '–' : n.toFixed(3));

/** `--ranker on|off` over the configuration's retrieval.ranker. */
function withRanker(config: Config, value: string | undefined): Config {
  if (value === undefined) return config;
  if (value !== 'on' && value !== 'off') throw new UsageError(`--ranker takes on or off (got "${value}")`);
  return { ...config, retrieval: { ...config.retrieval, ranker: value === 'on' } };
}

const TABLE_HEAD = '| set | mode | ranker | top-1 | top-3 | MRR | answered correctly | clarified | OOS turned away | AUROC in/OOS | p50 ms | p95 ms |\n'
  + '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n';

export async function evalCommand(args: string[], io: CliIO): Promise<number> {
  const [kind, ...rest] = args;
  if (!kind || kind === '--help' || kind === '-h') { io.stdout(EVAL_HELP); return kind ? 0 : 2; }
  if (kind === 'emotion') return emotionEvalCommand(rest, io);
  const { values } = parseArgs({
    args: rest, strict: true, allowPositionals: false,
    options: {
      knowledge: { type: 'string' }, cases: { type: 'string' }, json: { type: 'boolean' }, embedder: { type: 'string' }, shared: { type: 'string' },
      config: { type: 'string' }, failures: { type: 'boolean' }, ranker: { type: 'string' }, ablation: { type: 'boolean' }, split: { type: 'string' },
    },
  });
  const config = withRanker(await configFor(io, values), values.ranker);
  const noted = new Set<string>();
  // Said once per run, however many sets hit the same problem.
  const note = (line: string) => { if (!noted.has(line)) { noted.add(line); io.stderr(`${line}\n`); } };
  if (kind === 'retrieval') {
    if (values.split) throw new UsageError('--split applies to eval all; eval retrieval reads the cases file it is given');
    if (!values.knowledge || !values.cases) throw new UsageError('eval retrieval needs --knowledge DIR and --cases FILE.jsonl');
    const report = await evaluateRetrieval(config, path.resolve(io.cwd, values.knowledge), path.resolve(io.cwd, values.cases), values.embedder, note);
    if (!values.json) io.stdout(formatReport(report));
    else io.stdout(`${JSON.stringify(report)}\n`);
    return 0;
  }
  if (kind === 'all') {
    if (values.split && values.split !== 'test' && values.split !== 'dev') throw new UsageError(`--split is test or dev, not "${values.split}"`);
    const sets = evalSets(io, values.shared, config);
    const rows: Record<string, RetrievalReport> = {};
    io.stdout(TABLE_HEAD);
    // Without --embedder, each set runs lexical-only and as configured, so the table shows what the model adds;
    // --ablation runs each also without the ranker, to show what it adds.
    const modes = values.embedder ? [values.embedder] : values.ablation ? ['lexical', STATIC_MODEL_ID, USE_LITE_ID, undefined] : ['lexical', undefined];
    const rankers = values.ablation ? [false, config.retrieval.ranker] : [config.retrieval.ranker];
    for (const set of sets) {
      for (const mode of modes) {
        for (const ranker of new Set(rankers)) {
          const r = await evaluateRetrieval(withRanker(config, ranker ? 'on' : 'off'), set.knowledge, values.split === 'dev' ? set.devCases : set.cases, mode, note);
          const key = `${set.name}/${r.embedder}${r.ranker ? '+ranker' : ''}`;
          // The configured model may not read the set's language: its row would repeat the lexical one.
          if (rows[key]) continue;
          rows[key] = r;
          io.stdout(`| ${set.name} | ${r.embedder} | ${r.ranker ? 'yes' : 'no'} | ${pct(r.top1)} | ${pct(r.top3)} | ${pct(r.mrr)} | ${pct(r.answeredCorrect)} | `
            + `${pct(r.clarified)} | ${pct(r.oosRejected)} | ${decimal(r.auroc)} | ${r.latencyMs.p50} | ${r.latencyMs.p95} |\n`);
        }
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
 * Fits, on development queries, the confidence calibration used without the ranker (top-1 raw scores, labelled
 * right or wrong, pooled per calibration key) and the ranker's built-in fusion (the signals of each query's
 * candidates). Every fourth article is left out of the knowledge base, so its queries play the out-of-scope
 * questions real customers ask (most sets have none, and a calibration that never saw one would answer them).
 * The fusion also sees each set cut down to a small help center (SMALL_HELP_CENTER topics, the rest of the queries
 * out of scope in the same proportion), where a faint match looks strong by elimination. The cross-lingual set is
 * left out: it measures how far the rest transfers.
 */
async function fitCalibration(config: Config, sets: readonly EvalSet[], note: (line: string) => void): Promise<string> {
  const samples = new Map<string, { score: number; correct: boolean; outOfScope: boolean }[]>();
  const fusionSamples: FusionSample[] = [];
  let fusionOutOfScope = 0;
  const ranked = { ...config, retrieval: { ...config.retrieval, ranker: true } };
  for (const set of sets.filter((s) => s.locale === s.articleLocale)) {
    const cases = readCases(set.devCases);
    const ids = [...new Set(cases.flatMap((c) => c.expect))].sort();
    const leftOut = new Set(ids.filter((_, i) => i % 4 === 3));
    const without = (id: string) => leftOut.has(id);
    const step = Math.max(1, Math.floor(ids.length / SMALL_HELP_CENTER));
    const small = new Set(ids.filter((_, i) => i % step === 0).slice(0, SMALL_HELP_CENTER));
    const smallCases = casesInProportion(cases, (c) => c.expect.some((id) => small.has(id)), OUT_OF_SCOPE_SHARE);
    for (const embedder of set.locale === 'en' ? ['lexical', USE_LITE_ID] : ['lexical']) {
      const { retriever } = await retrieverFor(config, set.knowledge, note, embedder, { without, raw: true });
      if (embedder !== 'lexical' && retriever.semanticModel?.id !== embedder) {
        throw new UsageError(`cannot calibrate ${embedder}: the model did not load (see above)`);
      }
      for (const c of cases) {
        const best = (await retriever.search(c.q, c.lang ? { locale: c.lang } : {}, 1)).hits[0];
        if (!best) continue;
        const list = samples.get(best.signals.calibration) ?? [];
        list.push({ score: best.signals.raw, correct: c.expect.includes(best.article.id), outOfScope: !c.expect.some((id) => !leftOut.has(id)) });
        samples.set(best.signals.calibration, list);
      }
      for (const [kept, queries] of [[(id: string) => !leftOut.has(id), cases], [(id: string) => small.has(id), smallCases]] as const) {
        const { retriever: ranker } = await retrieverFor(ranked, set.knowledge, note, embedder, { without: (id) => !kept(id), raw: false });
        for (const c of queries) {
          const answers = c.expect.filter(kept);
          const candidates = await ranker.candidates(c.q, c.lang ? { locale: c.lang } : {});
          fusionSamples.push({
            candidates: candidates.map((k) => k.signals), weight: 1,
            answer: candidates.findIndex((k) => k.articles.some((a) => answers.includes(a.article.id))),
          });
          if (!answers.length) fusionOutOfScope++;
        }
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
  lines.push('};', '');
  // A weak pull towards the current weights: the development queries decide.
  const fusion = fitFusion(fusionSamples, DEFAULT_FUSION, 1);
  const round3 = (n: number) => Number(n.toFixed(3));
  lines.push(`// ${fusionSamples.length} development queries, ${(100 * fusionOutOfScope / fusionSamples.length).toFixed(1)}% out of scope; signals ${SIGNALS.join(', ')}`);
  lines.push(`export const DEFAULT_FUSION: Fusion = { weights: [${fusion.weights.map(round3).join(', ')}], none: ${round3(fusion.none)} };`);
  return `${lines.join('\n')}\n`;
}

/** Topics in the cut-down help center the fusion is also fitted on. */
const SMALL_HELP_CENTER = 6;
/** The share of out-of-scope queries the calibration sees, as in the sets with a quarter of the articles left out. */
const OUT_OF_SCOPE_SHARE = 0.26;

/** Every case `inScope` takes, and as many of the others (every n-th) as make them `share` of the whole. */
function casesInProportion(cases: readonly RetrievalCase[], inScope: (c: RetrievalCase) => boolean, share: number): RetrievalCase[] {
  const kept = cases.filter(inScope);
  const others = cases.filter((c) => !inScope(c));
  const wanted = Math.round(kept.length * share / (1 - share));
  const every = Math.max(1, Math.floor(others.length / Math.max(1, wanted)));
  return [...kept, ...others.filter((_, i) => i % every === 0).slice(0, wanted)];
}

function formatReport(r: RetrievalReport): string {
  return [
    `cases ${r.cases} (in scope ${r.inScope}, out of scope ${r.outOfScope}); search ${r.embedder}`,
    `top-1 ${pct(r.top1)}%  top-3 ${pct(r.top3)}%  MRR ${pct(r.mrr)}`,
    `answered correctly ${pct(r.answeredCorrect)}%  clarified ${pct(r.clarified)}%  out of scope turned away ${pct(r.oosRejected)}%  precision of not answering ${pct(r.oosPrecision)}%`,
    `AUROC of the best confidence, in scope against out of scope: ${decimal(r.auroc)}; ranker ${r.ranker ? `on (trained in ${r.build.rankerSeconds} s)` : 'off'}`,
    `latency per case p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, p99 ${r.latencyMs.p99} ms`,
    `build ${r.build.articles} articles, ${r.build.chunks} sections in ${r.build.seconds} s`,
    '',
  ].join('\n');
}
