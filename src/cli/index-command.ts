import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { loadKnowledge } from '../knowledge/index.js';
import { buildRetrieval, retrievalSettings, type RetrievalBuild } from '../retrieval/index.js';
import type { CliIO } from './io.js';

export const INDEX_HELP = `Usage: escucha index [--knowledge DIR] [--data DIR] [--embedder lexical|use-lite|MODEL]

Builds or refreshes the search index of the knowledge folder, re-embedding only what changed.
The configured sentence model is loaded from retrieval.embedder.modelsDir (downloaded only when allowRemote is on
and the hub answers). When it is missing, the English Universal Sentence Encoder lite that ships with Escucha is
used for English articles (retrieval.embedder.fallback), and the command says so in one line; with no model at
all, search runs on the lexical index alone, which needs no build.
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

export function describeBuild(build: RetrievalBuild): string[] {
  const lines: string[] = [];
  if (build.lexicalOnlyBecause) lines.push(`semantic search off: ${build.lexicalOnlyBecause}; serving with the lexical index alone`);
  const { locales, id } = build.retriever.semanticModel ?? {};
  if (build.fallbackBecause) {
    lines.push(`semantic search with ${id}${locales ? ` (${locales.join(', ')} only; other languages lexical)` : ''}: ${build.fallbackBecause}`);
  }
  if (build.built) {
    lines.push(`vector index rebuilt (${build.built.reason}): ${build.built.items} passages, ${build.built.embedded} embedded, ${build.built.reused} reused, ${build.built.seconds.toFixed(1)} s`);
  }
  return lines;
}

export async function indexCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args, strict: true, allowPositionals: false,
    options: { knowledge: { type: 'string' }, data: { type: 'string' }, embedder: { type: 'string' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) { io.stdout(INDEX_HELP); return 0; }
  const config = await loadConfig({
    root: io.cwd, env: io.env, ...(values.config && { file: values.config }),
    overrides: { ...(values.knowledge && { knowledge: { dir: values.knowledge } }), ...(values.data && { data: { dir: values.data } }) },
  });
  const kb = await loadKnowledge({ dir: config.knowledge.dir, locales: config.locales, maxFileBytes: config.knowledge.maxFileBytes });
  const errors = kb.diagnostics.filter((d) => d.severity === 'error').length;
  const build = await buildRetrieval(kb, retrievalSettings(config, values.embedder), progressReporter(io, 'embedding'));
  for (const line of describeBuild(build)) io.stdout(`${line}\n`);
  const { articles, sections } = build.retriever.size;
  io.stdout(`index ready: ${articles} published articles, ${sections} sections, search mode ${build.retriever.mode}`
    + `${errors ? `; ${errors} knowledge errors (run escucha lint)` : ''}\n`);
  return 0;
}
