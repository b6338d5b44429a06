/**
 * `escucha bench`: search speed and memory on synthetic knowledge bases of a chosen number of chunks, written from
 * real text (the public intent sets in ../shared/eval, else the bundled help center's sentences recombined), with
 * lexical search alone and with a sentence model. Figures are printed, never asserted.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse } from 'csv-parse/sync';
import { type Config, retrievalSettings } from '../config/index.js';
import { chunkArticle, loadKnowledge, type KnowledgeBase } from '../knowledge/index.js';
import { BUNDLED, buildRetrieval, type Retriever } from '../retrieval/index.js';
import { type CliIO, configFor, UsageError } from './io.js';
import { readableIntent, yamlString } from './eval-sets.js';
import { progressReporter } from './index-command.js';
import { errorLine } from '../util/errors.js';
import { latencySummary, round } from '../util/stats.js';
import { slugify } from '../util/text.js';

export const BENCH_HELP = `Usage: escucha bench [--sizes 1000,10000] [--queries 500] [--questions 1] [--embedder bundled|escucha-bilingual|use-lite|MODEL|lexical] [--shared DIR] [--json]

Writes knowledge folders of about the given numbers of chunks (articles of eight one-sentence sections, from the
banking77 and clinc150 training utterances in DIR, default ../shared/eval; without them, from the bundled help
center's sentences) to a temporary folder, and for each size measures lexical search and search with the sentence
models (default ${BUNDLED}: escucha-bilingual and use-lite; --embedder lexical measures lexical search only), each in a fresh process:
  build       seconds to load the Markdown and build the index (with the model: loading it and embedding every
              chunk, title and alternate question; with retrieval.ranker: training the ranker, whose own seconds
              are in "ranker s"), chunks per second, items embedded per second
  rebuild     the same again in the same process over the unchanged folder: the saved vectors are read back and
              nothing is embedded. use-lite stays loaded from the build (one per process), so its figure
              leaves out the model load that a restart pays; escucha-bilingual and a MODEL are loaded again
  latency     p50, p95 and p99 of Retriever.search over the held-out English queries, after a warm-up; "ranking
              p95 +" is what the ranker adds to the p95 (the same queries again with the ranker taken out)
  memory      RSS (it includes the model) and V8 heap used after the build
The model's cost per chunk grows with the chunk's length (chars/chunk): scale embedded/s for longer sections.
--questions sets the alternate questions per article (default 1): --sizes 16000 --questions 10 is a help
center of 2,000 articles with ten each, what the ranker trains on.
Progress goes to standard error; the table to standard output. With --json the last line is one JSON object.
`;

const DEFAULT_SIZES = [1000, 10000];
const DEFAULT_QUERIES = 500;
const WARM_UP_QUERIES = 20;
/** The introduction and seven `## ` sections: each one chunk, so a knowledge base has several chunks per article. */
const SECTIONS_PER_ARTICLE = 8;
/**
 * Short sections and one alternate question, on purpose: use-lite embeds about 50 short texts a second on one
 * core, so longer ones would take 10,000 chunks well past a few minutes.
 */
const SENTENCES_PER_SECTION = 1;
const QUESTIONS_PER_ARTICLE = 1;

/** Real sentences grouped by what they are about, and held-out questions to search with. */
interface TextSource { origin: string; topics: Topic[]; queries: string[] }
interface Topic { name: string; sentences: string[] }

interface Latency { p50: number; p95: number; p99: number }
export interface BenchRun {
  chunks: number;
  /** Mean length of a chunk's text, title and headings included. */
  meanChunkChars: number;
  articles: number;
  mode: string;
  /** Chunks, titles and alternate questions in the vector index; null for lexical search. */
  vectorItems: number | null;
  build: { seconds: number; chunksPerSecond: number; embedded: number | null; embeddedPerSecond: number | null };
  rebuild: { seconds: number; embedded: number | null };
  /** Training the ranker (included in the build): null when retrieval.ranker is off. */
  ranker: { seconds: number; topics: number; texts: number } | null;
  latencyMs: Latency;
  /** The same queries with the ranker taken out: what it adds is the difference. Null when it is off. */
  latencyWithoutRankerMs: Latency | null;
  memoryMB: { rss: number; heapUsed: number };
}

const megabytes = (bytes: number) => Math.round(bytes / 2 ** 20);
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const slug = (text: string) => slugify(text) || 'topic';

let gc: (() => void) | undefined;
/** Forces a collection where V8 allows it, so the heap figure is what the index keeps, not the garbage of building it. */
function collectGarbage(): void {
  if (!gc) {
    // Enabled only when the bench runs, never on import: other commands keep V8's defaults.
    setFlagsFromString('--expose-gc');
    const exposed = runInNewContext('gc') as unknown;
    gc = typeof exposed === 'function' ? exposed as () => void : () => {};
  }
  gc();
}

/** Digits only: Number() would also take "1e3", "0x10", "1.0" and "". */
const wholeNumber = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text) : NaN);
const positive = (n: number) => Number.isSafeInteger(n) && n > 0;

/** `--sizes`: whole numbers greater than 0 separated by commas. */
function parseSizes(text: string): number[] {
  const numbers = text.split(',').map(wholeNumber);
  if (!numbers.every(positive)) {
    throw new UsageError(`--sizes takes whole numbers greater than 0 separated by commas, such as 1000,10000 (got "${text}")`);
  }
  return numbers;
}

/** `--queries`: one whole number greater than 0. */
function parseQueryCount(text: string): number {
  return parseCount('--queries', text, 500);
}

function parseCount(option: string, text: string, example: number): number {
  const n = wholeNumber(text);
  if (!positive(n)) throw new UsageError(`${option} takes one whole number greater than 0, such as ${example} (got "${text}")`);
  return n;
}

/** banking77 and clinc150 from `dir`: training utterances by intent for the corpus, test utterances as queries. */
function loadSharedSource(dir: string): TextSource | undefined {
  const banking = path.join(dir, 'banking77');
  const clincFile = path.join(dir, 'clinc150/data_full.json');
  const sets: Array<{ name: string; train: Array<[string, string]>; test: string[] }> = [];
  if (existsSync(path.join(banking, 'train.csv')) && existsSync(path.join(banking, 'test.csv'))) {
    const csv = (file: string) => (parse(readFileSync(file), { columns: true, skip_empty_lines: true }) as { text: string; category: string }[])
      .map((r): [string, string] => [r.text, r.category]);
    sets.push({ name: 'banking77', train: csv(path.join(banking, 'train.csv')), test: csv(path.join(banking, 'test.csv')).map(([text]) => text) });
  }
  if (existsSync(clincFile)) {
    const clinc = JSON.parse(readFileSync(clincFile, 'utf8')) as Record<string, Array<[string, string]>>;
    sets.push({ name: 'clinc150', train: clinc.train ?? [], test: (clinc.test ?? []).map(([text]) => text) });
  }
  if (!sets.length) return undefined;
  const byIntent = new Map<string, string[]>();
  sets.forEach((set, n) => {
    for (const [text, intent] of set.train) {
      // Both sets have an exchange_rate intent, among others: keep them apart.
      const key = `${n}:${intent}`;
      const sentences = byIntent.get(key) ?? [];
      sentences.push(oneLine(text));
      byIntent.set(key, sentences);
    }
  });
  return {
    origin: `${sets.map((s) => s.name).join(' and ')} from ${dir}`,
    topics: [...byIntent].map(([key, sentences]) => ({ name: readableIntent(key.replace(/^\d+:/, '')), sentences })),
    queries: interleave(sets.map((s) => s.test)).map(oneLine).filter(Boolean),
  };
}

/** The English articles of the bundled help center: their sentences for the corpus, their alternate questions as queries. */
async function loadBundledSource(config: Config): Promise<TextSource> {
  const dir = fileURLToPath(new URL('../../knowledge/en', import.meta.url));
  const kb = await loadKnowledge({ dir, locales: config.locales, maxFileBytes: config.knowledge.maxFileBytes });
  const articles = kb.published.filter((a) => a.locale === 'en');
  const topics = articles.map((article) => ({
    name: article.title,
    sentences: article.sections.flatMap((s) => s.text.split(/(?<=[.!?])\s+|\n+/)).map(oneLine).filter((s) => s.length >= 15),
  })).filter((t) => t.sentences.length);
  if (!topics.length) throw new Error(`no English sentences in the bundled knowledge folder ${dir}`);
  return { origin: `sentences of the bundled help center (${dir})`, topics, queries: articles.flatMap((a) => a.questions) };
}

function interleave(lists: string[][]): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(0, ...lists.map((l) => l.length)); i++) for (const list of lists) if (i < list.length) out.push(list[i]!);
  return out;
}

/** `count` queries, repeating the list when it is shorter. */
function pickQueries(source: TextSource, count: number): string[] {
  if (!source.queries.length) throw new Error(`no queries in ${source.origin}`);
  return Array.from({ length: count }, (_, i) => source.queries[i % source.queries.length]!);
}

/**
 * Writes Markdown articles adding up to about `chunks` sections: each article takes one topic's sentences in turn
 * (title, alternate questions, headings and paragraphs), so related words cluster as in a real help center.
 */
function writeCorpus(source: TextSource, chunks: number, dir: string, questionsPerArticle = QUESTIONS_PER_ARTICLE): void {
  mkdirSync(dir, { recursive: true });
  const cursors = source.topics.map(() => 0);
  const take = (t: number) => { const topic = source.topics[t]!; return topic.sentences[cursors[t]!++ % topic.sentences.length]!; };
  const paragraph = (t: number) => Array.from({ length: SENTENCES_PER_SECTION }, () => take(t)).join(' ');
  const articles = Math.ceil(chunks / SECTIONS_PER_ARTICLE);
  for (let a = 0; a < articles; a++) {
    const t = a % source.topics.length;
    const round = Math.floor(a / source.topics.length) + 1;
    const name = source.topics[t]!.name;
    const id = `${String(a).padStart(5, '0')}-${slug(name)}`;
    const questions = Array.from({ length: questionsPerArticle }, () => take(t));
    const sections = Array.from({ length: SECTIONS_PER_ARTICLE - 1 }, () => `## ${take(t)}\n\n${paragraph(t)}\n`);
    writeFileSync(path.join(dir, `${id}.md`), [
      '---', `id: ${id}`, `title: ${yamlString(round > 1 ? `${name} (${round})` : name)}`, 'locale: en', 'questions:',
      ...questions.map((q) => `  - ${yamlString(q)}`), '---', '', paragraph(t), '', ...sections,
    ].join('\n'));
  }
}

async function timeQueries(retriever: Retriever, queries: string[]): Promise<Latency> {
  for (const q of queries.slice(0, WARM_UP_QUERIES)) await retriever.search(q, { locale: 'en' }, 10);
  const latencies: number[] = [];
  for (const q of queries) {
    const started = performance.now();
    await retriever.search(q, { locale: 'en' }, 10);
    latencies.push(performance.now() - started);
  }
  return latencySummary(latencies);
}

/**
 * Latency with the retriever's ranker and without it, on the same queries: each query runs both ways one after the
 * other (in alternating order), so that warm-up, caches and the machine's load weigh on both alike.
 */
async function timeWithAndWithoutRanker(retriever: Retriever, queries: string[]): Promise<{ with: Latency; without: Latency | null }> {
  const ranker = retriever.ranker;
  if (!ranker) return { with: await timeQueries(retriever, queries), without: null };
  const timed = async (query: string, useRanker: boolean) => {
    retriever.useRanker(useRanker ? ranker : undefined);
    const started = performance.now();
    await retriever.search(query, { locale: 'en' }, 10);
    return performance.now() - started;
  };
  for (const q of queries.slice(0, WARM_UP_QUERIES)) { await timed(q, false); await timed(q, true); }
  const withRanker: number[] = [];
  const without: number[] = [];
  for (const [i, q] of queries.entries()) {
    const first = i % 2 === 0;
    const a = await timed(q, first);
    const b = await timed(q, !first);
    withRanker.push(first ? a : b);
    without.push(first ? b : a);
  }
  retriever.useRanker(ranker);
  return { with: latencySummary(withRanker), without: latencySummary(without) };
}

/** What one run measures; handed to a child process as JSON. */
interface RunSpec { size: number; knowledgeDir: string; dataDir: string; embedder: string; queriesFile: string; config?: string }
interface RunContext { config: Config; spec: RunSpec; queries: string[]; io: CliIO; label: string }

const labelOf = (spec: RunSpec) => `bench ${spec.size} chunks, ${spec.embedder}`;

async function timedBuild(ctx: RunContext) {
  const started = performance.now();
  const kb = await loadKnowledge({ dir: ctx.spec.knowledgeDir, locales: ctx.config.locales, maxFileBytes: ctx.config.knowledge.maxFileBytes });
  const settings = { ...retrievalSettings(ctx.config, ctx.spec.embedder), dataDir: ctx.spec.dataDir };
  // escucha index's progress lines, sent to standard error: standard output carries the run's JSON to the parent.
  const progress = progressReporter({ ...ctx.io, stdout: ctx.io.stderr, isTTY: false }, `${ctx.label}, embedded`);
  const build = await buildRetrieval(kb, settings, progress);
  return { kb, build, seconds: (performance.now() - started) / 1000 };
}

/** How many chunks, and their mean length: the model's cost per chunk grows with it. */
function chunkFigures(kb: KnowledgeBase, maxChars: number): { chunks: number; meanChars: number } {
  const lengths = kb.published.flatMap((a) => chunkArticle(a, maxChars).map((c) => c.text.length));
  return { chunks: lengths.length, meanChars: lengths.length ? Math.round(lengths.reduce((a, b) => a + b, 0) / lengths.length) : 0 };
}

/**
 * One size in one mode: build, memory, rebuild over the unchanged folder, then query latency. The rebuild runs in
 * this same process, so use-lite (kept once per process) is not loaded again; a transformers model is.
 */
async function benchRun(ctx: RunContext): Promise<BenchRun | { skipped: string }> {
  ctx.io.stderr(`${ctx.label}: building\n`);
  const first = await timedBuild(ctx);
  const semantic = ctx.spec.embedder !== 'lexical';
  if (semantic && first.build.lexicalOnlyBecause) return { skipped: first.build.lexicalOnlyBecause };
  collectGarbage();
  const memory = process.memoryUsage();
  ctx.io.stderr(`${ctx.label}: rebuilding over the unchanged folder\n`);
  const second = await timedBuild(ctx);
  ctx.io.stderr(`${ctx.label}: ${ctx.queries.length} queries\n`);
  const latency = await timeWithAndWithoutRanker(first.build.retriever, ctx.queries);
  const trained = first.build.ranker;
  const { chunks, meanChars } = chunkFigures(first.kb, ctx.config.knowledge.chunkMaxChars);
  const stats = first.build.built;
  return {
    chunks,
    meanChunkChars: meanChars,
    articles: first.build.retriever.size.articles,
    mode: first.build.retriever.mode,
    vectorItems: semantic ? stats?.items ?? null : null,
    build: {
      seconds: round(first.seconds, 2),
      chunksPerSecond: Math.round(chunks / first.seconds),
      embedded: semantic ? stats?.embedded ?? 0 : null,
      embeddedPerSecond: semantic && stats?.seconds ? Math.round(stats.embedded / stats.seconds) : null,
    },
    rebuild: { seconds: round(second.seconds, 2), embedded: semantic ? second.build.built?.embedded ?? 0 : null },
    ranker: trained ? { seconds: round(trained.seconds, 2), topics: trained.topics, texts: trained.texts } : null,
    latencyMs: latency.with,
    latencyWithoutRankerMs: latency.without,
    memoryMB: { rss: megabytes(memory.rss), heapUsed: megabytes(memory.heapUsed) },
  };
}

const BIN = fileURLToPath(new URL('../../bin/escucha.js', import.meta.url));

/** Why a run's process ended without its figures, in one line. */
export function describeStop(spec: Pick<RunSpec, 'size' | 'embedder'>, code: number | null, signal: NodeJS.Signals | null): string {
  const run = `bench run for ${spec.size} chunks, ${spec.embedder}`;
  if (signal) return `${run} was killed by ${signal}${signal === 'SIGKILL' ? ' (out of memory?)' : ''}`;
  return `${run} stopped with exit code ${code}`;
}

/**
 * Runs one size in one mode in a fresh process, so its memory figures are that run's alone: a process never frees
 * a sentence model it has loaded (tfjs keeps its graph, so use-lite is loaded once per process and kept) and rarely
 * returns a dropped index's memory to the system, so later runs in one process would carry the earlier ones' RSS.
 */
async function runIsolated(spec: RunSpec, io: CliIO): Promise<BenchRun | { skipped: string } | { failed: string }> {
  let out = '';
  const stop = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | { error: unknown }>((resolve) => {
    const child = spawn(process.execPath, [BIN, 'bench', '--run', JSON.stringify(spec)], { cwd: io.cwd, env: io.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (data: Buffer) => { out += String(data); });
    child.stderr.on('data', (data: Buffer) => io.stderr(String(data)));
    child.on('error', (error) => resolve({ error }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  if ('error' in stop) return { failed: `bench run for ${spec.size} chunks, ${spec.embedder} could not start: ${errorLine(stop.error)}` };
  if (stop.code !== 0 || stop.signal) return { failed: describeStop(spec, stop.code, stop.signal) };
  return JSON.parse(out.trim().split('\n').at(-1)!) as BenchRun | { skipped: string };
}

/** The child's side of runIsolated: one run, its figures as one JSON line. */
async function runOne(specJson: string, io: CliIO): Promise<number> {
  const spec = JSON.parse(specJson) as RunSpec;
  const config = await configFor(io, { config: spec.config });
  const queries = JSON.parse(readFileSync(spec.queriesFile, 'utf8')) as string[];
  io.stdout(`${JSON.stringify(await benchRun({ config, spec, queries, io, label: labelOf(spec) }))}\n`);
  return 0;
}

const TABLE_HEAD = '| chunks | chars/chunk | articles | mode | build s | ranker s | chunks/s | embedded | embedded/s | rebuild s | rebuild embedded | p50 ms | p95 ms | p99 ms | ranking p95 + ms | RSS MB | heap MB |\n'
  + '| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n';

const cell = (n: number | null) => (n === null ? '–' : String(n));

function tableRow(r: BenchRun): string {
  const added = r.latencyWithoutRankerMs ? round(r.latencyMs.p95 - r.latencyWithoutRankerMs.p95, 3) : null;
  return `| ${[r.chunks, r.meanChunkChars, r.articles, r.mode, r.build.seconds, cell(r.ranker?.seconds ?? null), r.build.chunksPerSecond, cell(r.build.embedded),
    cell(r.build.embeddedPerSecond), r.rebuild.seconds, cell(r.rebuild.embedded), r.latencyMs.p50, r.latencyMs.p95, r.latencyMs.p99, cell(added),
    r.memoryMB.rss, r.memoryMB.heapUsed].join(' | ')} |\n`;
}

export async function benchCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args, strict: true, allowPositionals: false,
    options: {
      sizes: { type: 'string' }, queries: { type: 'string' }, questions: { type: 'string' }, embedder: { type: 'string' }, shared: { type: 'string' },
      json: { type: 'boolean' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' }, run: { type: 'string' },
    },
  });
  if (values.help) { io.stdout(BENCH_HELP); return 0; }
  if (values.run) return runOne(values.run, io);
  const sizes = values.sizes !== undefined ? parseSizes(values.sizes) : DEFAULT_SIZES;
  const queryCount = values.queries !== undefined ? parseQueryCount(values.queries) : DEFAULT_QUERIES;
  const questions = values.questions !== undefined ? parseCount('--questions', values.questions, 10) : QUESTIONS_PER_ARTICLE;
  const config = await configFor(io, values);
  const shared = path.resolve(io.cwd, values.shared ?? '../shared/eval');
  let source = loadSharedSource(shared);
  if (!source) {
    io.stderr(`escucha bench: no banking77 or clinc150 data in ${shared}; writing the knowledge bases from the bundled help center's sentences instead\n`);
    source = await loadBundledSource(config);
  }
  const queries = pickQueries(source, queryCount);
  const runs: BenchRun[] = [];
  // A throwaway folder for the knowledge bases and their indexes: the bench never touches the project's data.
  const root = mkdtempSync(path.join(tmpdir(), 'escucha-bench-'));
  try {
    const queriesFile = path.join(root, 'queries.json');
    writeFileSync(queriesFile, JSON.stringify(queries));
    for (const size of sizes) writeCorpus(source, size, path.join(root, `kb-${size}`), questions);
    io.stdout(`Search speed on ${source.origin}; ${queries.length} English queries; Node ${process.version}, `
      + `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, load average ${loadavg()[0]!.toFixed(1)} at start\n\n${TABLE_HEAD}`);
    for (const embedder of new Set(['lexical', values.embedder ?? BUNDLED])) {
      for (const size of sizes) {
        const spec: RunSpec = { size, embedder, queriesFile, knowledgeDir: path.join(root, `kb-${size}`),
          dataDir: path.join(root, `data-${size}-${slug(embedder)}`), ...(values.config && { config: path.resolve(io.cwd, values.config) }) };
        const result = await runIsolated(spec, io);
        // One line, without main's "set ESCUCHA_DEBUG" hint: the stack would be this process's, not the run's.
        if ('failed' in result) { io.stderr(`escucha bench: ${result.failed}\n`); return 1; }
        if ('skipped' in result) { io.stderr(`escucha bench: skipping ${embedder}: ${result.skipped}\n`); break; }
        runs.push(result);
        io.stdout(tableRow(result));
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  if (values.json) {
    io.stdout(`${JSON.stringify({ source: source.origin, queries: queries.length, node: process.version, cpus: cpus().length, runs })}\n`);
  }
  return 0;
}
