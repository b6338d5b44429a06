import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config/index.js';
import { decideFromHits } from '../dialogue/policy.js';
import { loadKnowledge } from '../knowledge/index.js';
import { buildRetrieval, retrievalSettings } from '../retrieval/index.js';
import { buildEvalSets } from './eval-sets.js';
import { UsageError, type CliIO } from './io.js';

export const EVAL_HELP = `Usage:
  escucha eval retrieval --knowledge DIR --cases FILE.jsonl [--json] [--embedder lexical]
  escucha eval all [--shared DIR] [--json]

retrieval  indexes DIR, sends every case through the production search, thresholds and decision policy, and
           prints top1, top3, mrr, answeredCorrect, clarified, oosRejected, oosPrecision and latency.
all        turns the public sets in ../shared/eval (banking77, clinc150 with out-of-scope, tod-es) into knowledge
           folders under data/eval (K = 10 alternate questions per article), evaluates each, and prints a table.
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
const percentile = (sorted: number[], p: number) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : 0;
const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function evaluateRetrieval(config: Config, knowledgeDir: string, casesFile: string, embedder?: string): Promise<RetrievalReport> {
  const started = performance.now();
  const kb = await loadKnowledge({ dir: knowledgeDir, locales: config.locales, maxFileBytes: config.knowledge.maxFileBytes });
  // A throwaway data folder: evaluation never touches the production index.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'escucha-eval-'));
  let retriever;
  try {
    ({ retriever } = await buildRetrieval(kb, { ...retrievalSettings(config, embedder), dataDir }));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
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
  latencies.sort((a, b) => a - b);
  return {
    cases: cases.length, inScope, outOfScope,
    top1: round(share(top1, inScope)), top3: round(share(top3, inScope)), mrr: round(share(mrr, inScope)),
    answeredCorrect: round(share(answeredCorrect, inScope)), clarified: round(share(clarified, inScope)),
    oosRejected: outOfScope ? round(share(oosRejected, outOfScope)) : null,
    oosPrecision: notAnswered ? round(share(notAnsweredOos, notAnswered)) : null,
    latencyMs: { p50: round(percentile(latencies, 0.5), 3), p95: round(percentile(latencies, 0.95), 3), p99: round(percentile(latencies, 0.99), 3) },
    embedder: mode,
    build: { articles: retriever.size.articles, chunks: retriever.size.sections, seconds: round(seconds, 2) },
  };
}

const pct = (n: number | null) => (n === null ? '–' : `${(n * 100).toFixed(1)}`);

export async function evalCommand(args: string[], io: CliIO): Promise<number> {
  const [kind, ...rest] = args;
  if (!kind || kind === '--help' || kind === '-h') { io.stdout(EVAL_HELP); return kind ? 0 : 2; }
  const { values } = parseArgs({
    args: rest, strict: true, allowPositionals: false,
    options: { knowledge: { type: 'string' }, cases: { type: 'string' }, json: { type: 'boolean' }, embedder: { type: 'string' }, shared: { type: 'string' }, config: { type: 'string' } },
  });
  const config = await loadConfig({ root: io.cwd, env: io.env, ...(values.config && { file: values.config }) });
  if (kind === 'retrieval') {
    if (!values.knowledge || !values.cases) throw new UsageError('eval retrieval needs --knowledge DIR and --cases FILE.jsonl');
    const report = await evaluateRetrieval(config, path.resolve(io.cwd, values.knowledge), path.resolve(io.cwd, values.cases), values.embedder);
    if (!values.json) io.stdout(formatReport(report));
    else io.stdout(`${JSON.stringify(report)}\n`);
    return 0;
  }
  if (kind === 'all') {
    const shared = path.resolve(io.cwd, values.shared ?? '../shared/eval');
    let sets;
    try { sets = buildEvalSets(shared, path.join(config.data.dir, 'eval')); } catch (error) { throw new UsageError((error as Error).message); }
    const rows: Record<string, RetrievalReport> = {};
    io.stdout('| set | mode | top-1 | top-3 | MRR | answered correctly | clarified | OOS turned away | p50 ms | p95 ms |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n');
    for (const set of sets) {
      const r = await evaluateRetrieval(config, set.knowledge, set.cases, values.embedder);
      rows[set.name] = r;
      io.stdout(`| ${set.name} | ${r.embedder} | ${pct(r.top1)} | ${pct(r.top3)} | ${pct(r.mrr)} | ${pct(r.answeredCorrect)} | ${pct(r.clarified)} | ${pct(r.oosRejected)} | ${r.latencyMs.p50} | ${r.latencyMs.p95} |\n`);
    }
    if (values.json) io.stdout(`${JSON.stringify(rows)}\n`);
    return 0;
  }
  throw new UsageError(`unknown evaluation "${kind}" (expected retrieval or all)`);
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
