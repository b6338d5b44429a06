import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  assembleKnowledge, listKnowledgeFiles, readKnowledgeFile, watchKnowledge,
  type Diagnostic, type FileResult, type KnowledgeBase, type KnowledgeOptions, type KnowledgeWatcher,
} from '../knowledge/index.js';
import { buildRetrieval, type RetrievalBuild, type RetrievalSettings } from './build.js';
import { loadEmbedder, type EmbedderLoad } from './embedder.js';
import type { Retriever } from './retriever.js';
import type { SearchFilters, SearchResult } from './types.js';

export interface LiveReload {
  /** Files read again, added or deleted, relative to the knowledge folder; none when the folder came back as it was. */
  files: string[];
  /** Those of `files` that were deleted. */
  removed: string[];
  /** From the start of the reload (after the watcher's debounce) to the new index serving. */
  seconds: number;
  /** Published articles now served. */
  articles: number;
  /** Problems in the files reloaded, and new ones the change caused elsewhere (a link to a deleted file). */
  diagnostics: Diagnostic[];
}

export interface LiveRetrievalOptions {
  knowledge: KnowledgeOptions;
  retrieval: RetrievalSettings;
  debounceMs?: number;
  onReload?: (reload: LiveReload) => void;
  /** A reload that failed (the previous knowledge keeps serving), or a watcher problem. */
  onError?: (message: string) => void;
}

interface LoadedFile { result: FileResult; signature: string }

/**
 * Search over a knowledge folder that follows its edits: each change rebuilds the index from the files that
 * changed, and the new retriever replaces the old one in a single assignment. A query always runs on one
 * complete retriever, so none fails or sees half an edit while a rebuild runs.
 */
export class LiveRetrieval {
  private readonly dir: string;
  private files = new Map<string, LoadedFile>();
  private current?: Retriever;
  private embedder?: EmbedderLoad;
  private watcher?: KnowledgeWatcher;
  private readonly hints = new Set<string>();
  private dirty = false;
  private running?: Promise<void>;
  private closed = false;
  /** Set after a failed reload, so the next one that works is announced even when no file changed since. */
  private failing = false;

  constructor(private readonly options: LiveRetrievalOptions) {
    this.dir = path.resolve(options.knowledge.dir);
  }

  get retriever(): Retriever {
    if (!this.current) throw new Error('LiveRetrieval: start() has not finished');
    return this.current;
  }

  get knowledge(): KnowledgeBase {
    return this.retriever.knowledge;
  }

  search(query: string, filters?: SearchFilters, limit?: number): Promise<SearchResult> {
    return this.retriever.search(query, filters, limit);
  }

  /** Loads the folder, builds the index and starts watching; throws when the first build fails. */
  async start(onProgress?: (done: number, total: number) => void): Promise<RetrievalBuild> {
    // Loaded once: loading a model on every edit would cost more than the edit's whole rebuild.
    this.embedder = await loadEmbedder(this.options.retrieval.embedder);
    const first = await this.refresh(new Set(), onProgress);
    if (this.closed) return first!.build;
    this.watcher = watchKnowledge(this.dir, (paths) => this.changed(paths), {
      ...(this.options.debounceMs !== undefined && { debounceMs: this.options.debounceMs }),
      ...(this.options.onError && { onError: this.options.onError }),
    });
    // Files saved while the first build ran were not watched yet: comparing them with what was read finds them.
    this.changed([]);
    return first!.build;
  }

  /** Checks the folder now (re-reading `paths` even if they look unchanged); resolves once every reload is done. */
  async reload(paths: readonly string[] = []): Promise<void> {
    this.changed(paths);
    while (this.running) await this.running;
  }

  /** Stops watching, and waits for the reload under way, if any. */
  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    while (this.running) await this.running;
  }

  private changed(paths: readonly string[]): void {
    if (this.closed) return;
    for (const p of paths) this.hints.add(p);
    this.dirty = true;
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
      if (this.dirty) this.changed([]);
    });
  }

  /** One reload at a time: whatever changes while one runs is taken by exactly one more after it. */
  private async drain(): Promise<void> {
    while (this.dirty && !this.closed) {
      this.dirty = false;
      const hints = new Set(this.hints);
      this.hints.clear();
      let outcome;
      try {
        outcome = await this.refresh(hints);
        this.failing = false;
      } catch (error) {
        this.failing = true;
        this.options.onError?.(`knowledge not reloaded: ${messageOf(error)}; the previous version is still served`);
        continue;
      }
      try {
        if (outcome) this.options.onReload?.(outcome.reload);
      } catch (error) {
        // A listener's bug must not stop the reloads, nor become an unhandled rejection that ends the server.
        this.options.onError?.(`onReload failed: ${messageOf(error)}`);
      }
    }
  }

  /**
   * Re-reads the files that may have changed since the last build (other size, time or inode, or named by the
   * watcher), keeps the parsed results of the others, and swaps in a new retriever. Undefined when nothing changed.
   */
  private async refresh(hints: ReadonlySet<string>, onProgress?: (done: number, total: number) => void) {
    const started = performance.now();
    const listed = await listKnowledgeFiles(this.dir);
    const signatures = await Promise.all(listed.map((rel) => signatureOf(path.join(this.dir, rel))));
    // A file deleted between listing and stat is treated as deleted; its watch event follows anyway.
    const present = new Map(listed.flatMap((rel, i) => (signatures[i] ? [[rel, signatures[i]] as const] : [])));
    const suspects = [...present].filter(([rel, signature]) => hints.has(rel) || this.files.get(rel)?.signature !== signature)
      .map(([rel]) => rel);
    const removed = [...this.files.keys()].filter((rel) => !present.has(rel));

    const files = new Map(this.files);
    for (const rel of removed) files.delete(rel);
    const results = await Promise.all(suspects.map((rel) => readKnowledgeFile(this.dir, rel, this.options.knowledge)));
    // A save's events can straddle two reloads, and a touch changes nothing: same bytes, same file.
    const changed = suspects.filter((rel, i) => !sameFile(this.files.get(rel)?.result, results[i]!));
    suspects.forEach((rel, i) => files.set(rel, { result: results[i]!, signature: present.get(rel)! }));
    if (this.current && !this.failing && !changed.length && !removed.length) {
      this.files = files;
      return undefined;
    }
    const knowledge = assembleKnowledge(this.dir, [...files.values()].map((f) => f.result));
    const build = await buildRetrieval(knowledge, this.options.retrieval, onProgress, this.embedder);

    const previous = this.current?.knowledge;
    this.files = files;
    this.current = build.retriever;
    const touched = [...changed, ...removed].sort();
    return {
      build,
      reload: {
        files: touched,
        removed: removed.sort(),
        seconds: (performance.now() - started) / 1000,
        articles: knowledge.published.length,
        diagnostics: newProblems(knowledge, previous, new Set(touched)),
      } satisfies LiveReload,
    };
  }
}

const messageOf = (error: unknown) => (error as Error)?.message ?? String(error);

function sameFile(before: FileResult | undefined, after: FileResult): boolean {
  return !!before && before.article?.hash === after.article?.hash
    && JSON.stringify(before.diagnostics) === JSON.stringify(after.diagnostics);
}

/** The problems of the files touched, and the others that were not there before the change. */
function newProblems(knowledge: KnowledgeBase, previous: KnowledgeBase | undefined, touched: ReadonlySet<string>): Diagnostic[] {
  const key = (d: Diagnostic) => `${d.path}\u0000${d.line}\u0000${d.code}\u0000${d.message}`;
  const before = new Set(previous?.diagnostics.map(key));
  return knowledge.diagnostics.filter((d) => touched.has(d.path) || !before.has(key(d)));
}

/** What tells an edit apart without reading the file; the watcher's paths catch an edit that keeps all three. */
async function signatureOf(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    return `${info.size}:${info.mtimeMs}:${info.ino}`;
  } catch {
    return undefined;
  }
}
