import path from 'node:path';
import { plural } from '../util/text.js';
import type { EmbedderLoad } from './embedder.js';
import type { RetrievalBuild } from './build.js';
import type { LiveReload } from './live.js';

/*
 * One-line reports of what the search runs on and what a build or a reload did, for the operator: printed by the
 * CLI and logged by the server alike.
 */

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
