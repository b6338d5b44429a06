import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { assembleKnowledge, type KnowledgeBase } from './assemble.js';
import { parseKnowledgeFile, tooLarge, type FileResult, type LocaleSettings } from './file.js';

export interface KnowledgeOptions {
  dir: string;
  locales: LocaleSettings;
  maxFileBytes: number;
}

export class KnowledgeDirError extends Error {}

/** Markdown files under `dir`, as sorted `/`-separated relative paths; hidden files and folders and node_modules are skipped. */
export async function listKnowledgeFiles(dir: string): Promise<string[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new KnowledgeDirError(`knowledge folder not found: ${dir}`);
  if (!info.isDirectory()) throw new KnowledgeDirError(`not a folder: ${dir}`);
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.md$/i.test(e.name))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((rel) => !ignoredPath(rel))
    .sort();
}

/**
 * What is never knowledge, for the loader and the watcher alike: hidden files and folders (editor swap and lock
 * files among them), node_modules, and editor backups and temp files (these never end in .md, so for the loader
 * only the first two matter).
 */
export function ignoredPath(relPath: string): boolean {
  const parts = relPath.split('/');
  const name = parts[parts.length - 1] ?? '';
  return parts.some((part) => part.startsWith('.') || part === 'node_modules')
    || name.endsWith('~') || /\.sw[a-p]$/i.test(name) || name === '4913';
}

/** Reads and checks one file; never throws, so one bad file never stops the others. */
export async function readKnowledgeFile(dir: string, relPath: string, options: KnowledgeOptions): Promise<FileResult> {
  const file = path.join(dir, relPath);
  try {
    const info = await stat(file);
    if (info.size > options.maxFileBytes) {
      // Checked before reading, so a huge file costs nothing.
      return tooLarge(relPath, file, info.size, options.maxFileBytes);
    }
    return parseKnowledgeFile(relPath, file, await readFile(file), options);
  } catch (error) {
    return {
      path: relPath, file,
      diagnostics: [{ path: relPath, file, line: 1, severity: 'error', code: 'unreadable', skipsFile: true,
        message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); this file is not served` }],
    };
  }
}

export async function loadKnowledge(options: KnowledgeOptions): Promise<KnowledgeBase> {
  const dir = path.resolve(options.dir);
  const files = await listKnowledgeFiles(dir);
  const results = await Promise.all(files.map((rel) => readKnowledgeFile(dir, rel, options)));
  return assembleKnowledge(dir, results);
}
