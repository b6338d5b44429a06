import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { loadKnowledge, type KnowledgeOptions } from '../knowledge/index.js';
import {
  buildRetrieval, LiveRetrieval, loadEmbedder, retrievalSettings,
  type EmbedderLoad, type LiveReload, type RetrievalBuild, type RetrievalSettings,
} from '../retrieval/index.js';
import { plural, whenStopped, type CliIO } from './io.js';

export const INDEX_HELP = `Usage: escucha index [--knowledge DIR] [--data DIR] [--embedder lexical|use-lite|MODEL] [--watch]

Builds or refreshes the search index of the knowledge folder, re-embedding only what changed.
The configured sentence model is loaded from retrieval.embedder.modelsDir (downloaded only when allowRemote is on
and the hub answers). When it is missing, the English Universal Sentence Encoder lite that ships with Escucha is
used for English articles (retrieval.embedder.fallback), and the command says so in one line; with no model at
all, search runs on the lexical index alone, which needs no build.

  --watch  keep running after the build: every file saved, added or deleted in the knowledge folder is re-indexed
           within a second or two, with one line per reload and the errors of the files changed; Ctrl-C stops
`;

/** Progress as a bar on a terminal, as a few plain lines otherwise (logs, CI). */
export function progressReporter(io: CliIO, label: string): (done: number, total: number) => void {
  let lastPlain = -1;
  return (done, total) => {
    const share = total ? done / total : 1;
    if (io.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      io.stdout(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
    } else {
      const tenth = Math.floor(share * 10);
      if (tenth !== lastPlain) { lastPlain = tenth; io.stdout(`${label}: ${done}/${total}\n`); }
    }
  };
}

/** What runs for semantic search, in one line when it is not the configured model. */
export function describeModel(load: EmbedderLoad): string[] {
  if (!load.embedder) return [`semantic search off: ${load.reason}; serving with the lexical index alone`];
  const { id, locales } = load.embedder;
  return load.fallbackBecause
    ? [`semantic search with ${id}${locales ? ` (${locales.join(', ')} only; other languages lexical)` : ''}: ${load.fallbackBecause}`]
    : [];
}

/** What the build did, and which confidences are not calibrated for the model that runs. */
export function describeBuild(build: RetrievalBuild): string[] {
  const lines: string[] = [];
  if (build.built) {
    lines.push(`vector index rebuilt (${build.built.reason}): ${build.built.items} passages, ${build.built.embedded} embedded, ${build.built.reused} reused, ${build.built.seconds.toFixed(1)} s`);
  }
  if (build.retriever.semanticCalibrationIsGeneric) {
    lines.push(`confidence for ${build.retriever.semanticModel?.id} uses the generic semantic calibration (none was fitted for this model)`);
  }
  return lines;
}

export async function indexCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args, strict: true, allowPositionals: false,
    options: {
      knowledge: { type: 'string' }, data: { type: 'string' }, embedder: { type: 'string' }, config: { type: 'string' },
      watch: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) { io.stdout(INDEX_HELP); return 0; }
  const config = await loadConfig({
    root: io.cwd, env: io.env, ...(values.config && { file: values.config }),
    overrides: { ...(values.knowledge && { knowledge: { dir: values.knowledge } }), ...(values.data && { data: { dir: values.data } }) },
  });
  const knowledge: KnowledgeOptions = { dir: config.knowledge.dir, locales: config.locales, maxFileBytes: config.knowledge.maxFileBytes };
  const settings = retrievalSettings(config, values.embedder);
  const progress = progressReporter(io, 'embedding');
  if (values.watch) return watchIndex(io, knowledge, settings, progress);
  // The model first, so a fallback is announced before a long embedding, not after it.
  const model = await loadEmbedder(settings.embedder);
  for (const line of describeModel(model)) io.stdout(`${line}\n`);
  reportReady(io, await buildRetrieval(await loadKnowledge(knowledge), settings, progress, model));
  return 0;
}

function reportReady(io: CliIO, build: RetrievalBuild): void {
  for (const line of describeBuild(build)) io.stdout(`${line}\n`);
  const { articles, sections } = build.retriever.size;
  const errors = build.retriever.knowledge.diagnostics.filter((d) => d.severity === 'error').length;
  io.stdout(`index ready: ${plural(articles, 'published article')}, ${plural(sections, 'section')}, search mode ${build.retriever.mode}`
    + `${errors ? `; ${plural(errors, 'knowledge error')} (run escucha lint)` : ''}\n`);
}


/** Builds, then rebuilds on every change to the knowledge folder until stopped. */
async function watchIndex(io: CliIO, knowledge: KnowledgeOptions, settings: RetrievalSettings,
  progress: (done: number, total: number) => void): Promise<number> {
  const shown = (file: string) => {
    const relative = path.relative(io.cwd, file);
    return relative.startsWith('..') ? file : relative.split(path.sep).join('/') || '.';
  };
  const live = new LiveRetrieval({
    knowledge, retrieval: settings,
    onReload: (reload) => { for (const line of describeReload(reload, knowledge.dir, shown)) io.stdout(`${line}\n`); },
    onError: (message) => io.stderr(`escucha index: ${message}\n`),
  });
  const build = await live.start(progress);
  for (const line of describeModel(build.model)) io.stdout(`${line}\n`);
  reportReady(io, build);
  io.stdout(`watching ${shown(knowledge.dir)} for changes (Ctrl-C stops)\n`);
  await whenStopped(io.signal);
  await live.close();
  return 0;
}

/** One line for the reload, then the errors it brought, as escucha lint prints them. */
export function describeReload(reload: LiveReload, dir: string, shown: (file: string) => string): string[] {
  const removed = new Set(reload.removed);
  const names = reload.files.map((rel) => `${shown(path.join(dir, rel))}${removed.has(rel) ? ' (deleted)' : ''}`);
  const listed = !names.length ? shown(dir)
    : names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
  return [
    `reloaded ${listed}: ${plural(reload.articles, 'published article')} in ${reload.seconds.toFixed(2)} s`,
    ...reload.diagnostics.filter((d) => d.severity === 'error').map((d) => `${shown(d.file)}:${d.line}: error: ${d.message}`),
  ];
}
