import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadKnowledge, type Diagnostic } from '../knowledge/index.js';
import { type CliIO, configFor, plural } from './io.js';

export const LINT_HELP = `Usage: escucha lint [dir] [--json] [--config FILE]

Checks every Markdown file under dir (default: knowledge.dir of bot.config.ts) and prints each problem as
  path:line: severity: message
Exit code 1 when there is an error, 0 when there are only warnings or nothing.

  --json         one JSON document for tools: { files, articles, errors, warnings, diagnostics[] }
  --config FILE  configuration file (default: bot.config.ts)
`;

export async function lintCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { json: { type: 'boolean' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) { io.stdout(LINT_HELP); return 0; }
  if (positionals.length > 1) { io.stderr(`escucha lint: expected one folder, got ${positionals.length}\n\n${LINT_HELP}`); return 2; }

  const config = await configFor(io, values);
  const dir = positionals[0] ? path.resolve(io.cwd, positionals[0]) : config.knowledge.dir;
  const kb = await loadKnowledge({ dir, locales: config.locales, maxFileBytes: config.knowledge.maxFileBytes });

  if (kb.files === 0) {
    io.stderr(`escucha lint: no Markdown (.md) files under ${path.relative(io.cwd, dir) || '.'}\n`);
    return 1;
  }
  const shown = (d: Diagnostic) => path.relative(io.cwd, d.file).split(path.sep).join('/') || d.path;
  const errors = kb.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = kb.diagnostics.length - errors;
  if (values.json) {
    io.stdout(`${JSON.stringify({
      files: kb.files,
      articles: kb.articles.length,
      drafts: kb.articles.length - kb.published.length,
      errors,
      warnings,
      diagnostics: kb.diagnostics.map((d) => ({ path: shown(d), line: d.line, severity: d.severity, code: d.code, message: d.message, skipsFile: d.skipsFile })),
    }, null, 2)}\n`);
  } else {
    for (const d of kb.diagnostics) io.stdout(`${shown(d)}:${d.line}: ${d.severity}: ${d.message}\n`);
    const skipped = new Set(kb.diagnostics.filter((d) => d.skipsFile).map((d) => d.path)).size;
    io.stderr(`${plural(kb.files, "file")}, ${kb.published.length} published, ${plural(kb.articles.length - kb.published.length, "draft")}`
      + `${skipped ? `, ${skipped} not served` : ''}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`);
  }
  return errors ? 1 : 0;
}

