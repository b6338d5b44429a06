import path from 'node:path';
import { parseArgs } from 'node:util';
import { retrievalSettings } from '../config/index.js';
import { loadKnowledge, type KnowledgeOptions } from '../knowledge/index.js';
import {
  buildRetrieval, LiveRetrieval, loadEmbedder, type EmbedderLoad, type LiveReload, type RetrievalBuild, type RetrievalSettings,
} from '../retrieval/index.js';
import { describeBuild, describeModel, describeReload } from '../retrieval/describe.js';
import { type CliIO, configFor, plural, whenStopped } from './io.js';

export const INDEX_HELP = `Usage: escucha index [--knowledge DIR] [--data DIR] [--embedder lexical|bundled|escucha-bilingual|use-lite|MODEL] [--watch]

Builds or refreshes the search index of the knowledge folder, re-embedding only what changed.
By default the models that ship with Escucha are used together (retrieval.embedder.provider "bundled"): its own
Spanish + English model (models/escucha-bilingual) and the English Universal Sentence Encoder lite; nothing is
downloaded. When one of them cannot be loaded the other runs and the command says why in one line; a
transformers.js model (provider "transformers") is added to them when it loads from retrieval.embedder.modelsDir.
With no model at all, search runs on the lexical index alone, which needs no build.

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

export async function indexCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args, strict: true, allowPositionals: false,
    options: {
      knowledge: { type: 'string' }, data: { type: 'string' }, embedder: { type: 'string' }, config: { type: 'string' },
      watch: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) { io.stdout(INDEX_HELP); return 0; }
  const config = await configFor(io, values);
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
