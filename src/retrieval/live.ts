import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  assembleKnowledge, listKnowledgeFiles, readKnowledgeFile, watchKnowledge,
  type Diagnostic, type FileResult, type KnowledgeBase, type KnowledgeOptions, type KnowledgeWatcher,
} from '../knowledge/index.js';
import { buildRetrieval, recalibrateRanker, type RetrievalBuild, type RetrievalSettings } from './build.js';
import { loadEmbedder, type EmbedderLoad } from './embedder.js';
import type { Retriever } from './retriever.js';
import type { SearchFilters, SearchResult } from './types.js';
import { errorLine, safely } from '../util/errors.js';

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
  /** Wait before retrying a reload that failed; doubled after each failure, up to 30 s. Default 500. */
  retryMs?: number;
  onReload?: (reload: LiveReload) => void;
  /**
   * A reload that failed (the previous knowledge keeps serving, and it is retried until it works; the same failure
   * is said once, and the reload that works is then reported to `onReload`), or a watcher problem.
   */
  onError?: (message: string) => void;
}

interface LoadedFile { result: FileResult; signature: string }

const RETRY_MAX_MS = 30_000;

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
  private started?: Promise<RetrievalBuild>;
  private readonly hints = new Set<string>();
  private dirty = false;
  private running?: Promise<void>;
  private closed = false;
  /** Set after a failed reload, so the next one that works is announced even when no file changed since. */
  private failing = false;
  /** The failure last reported, so that retries failing the same way are not reported again. */
  private lastFailure?: string;
  private retryTimer?: NodeJS.Timeout;
  /** The ranker's cross-validation after a quick retrain, running in the background. */
  private recalibration?: Promise<void>;
  private readonly firstRetryMs: number;
  private retryDelay: number;

  constructor(private readonly options: LiveRetrievalOptions) {
    this.dir = path.resolve(options.knowledge.dir);
    this.firstRetryMs = options.retryMs ?? 500;
    this.retryDelay = this.firstRetryMs;
  }

  get retriever(): Retriever {
    if (!this.current) throw new Error('LiveRetrieval: start() has not finished');
    return this.current;
  }

  get knowledge(): KnowledgeBase {
    return this.retriever.knowledge;
  }

  /** Rejects (never throws) before start() has finished. */
  async search(query: string, filters?: SearchFilters, limit?: number): Promise<SearchResult> {
    return this.retriever.search(query, filters, limit);
  }

  /**
   * Loads the folder, builds the index and starts watching; rejects when the first build fails (nothing is
   * retried then). Called again, returns the same promise.
   */
  start(onProgress?: (done: number, total: number) => void): Promise<RetrievalBuild> {
    this.started ??= this.begin(onProgress);
    return this.started;
  }

  /**
   * Checks the folder now (re-reading `paths` even if they look unchanged); resolves once every reload is done,
   * whether it worked or not (a failure goes to `onError`, and is retried). Waits for start() first.
   */
  async reload(paths: readonly string[] = []): Promise<void> {
    if (!this.started) throw new Error('LiveRetrieval: start() has not been called');
    await this.started;
    this.changed(paths);
    while (this.running) await this.running;
  }

  /** Stops watching and retrying, and waits for start(), the reload under way and the recalibration, if any. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    // Its failure is its caller's to handle; once it settles, the watcher it started (if any) is there to stop.
    await this.started?.catch(() => undefined);
    this.watcher?.close();
    while (this.running) await this.running;
    await this.recalibration;
  }

  /**
   * Resolves when the ranker serving has its own calibration: after an edit, the new knowledge is served at once
   * by a ranker retrained with the previous fusion, and the cross-validation that fits a new one follows in the
   * background (the searches meanwhile use the quick one).
   */
  async recalibrated(): Promise<void> {
    while (this.running || this.recalibration) await (this.running ?? this.recalibration);
  }

  private async begin(onProgress?: (done: number, total: number) => void): Promise<RetrievalBuild> {
    // Loaded once: loading a model on every edit would cost more than the edit's whole rebuild.
    this.embedder = await loadEmbedder(this.options.retrieval.embedder);
    const first = await this.refresh(new Set(), onProgress);
    // Always a build: with no retriever yet, refresh() builds even when no file is there.
    const { build } = first!;
    if (this.closed) return build;
    this.watcher = watchKnowledge(this.dir, (paths) => this.changed(paths.filter(isFileHint)), {
      ...(this.options.debounceMs !== undefined && { debounceMs: this.options.debounceMs }),
      onError: (message) => this.report(message),
    });
    // Files saved while the first build ran were not watched yet: comparing them with what was read finds them.
    this.changed([]);
    return build;
  }

  private changed(paths: readonly string[]): void {
    if (this.closed) return;
    for (const p of paths) this.hints.add(p);
    this.dirty = true;
    // This reload is the retry that was waiting, if any: a change came first, or its time has come.
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.running ??= this.drain()
      .catch((error: unknown) => this.report(`knowledge reload: ${errorLine(error)}`))
      .finally(() => {
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
      } catch (error) {
        this.failed(hints, error);
        return;
      }
      this.failing = false;
      this.lastFailure = undefined;
      this.retryDelay = this.firstRetryMs;
      if (!outcome) continue;
      const { reload } = outcome;
      safely(() => this.options.onReload?.(reload), (error) => this.report(`onReload failed: ${errorLine(error)}`));
    }
  }

  /** Keeps the files the watcher named for the retry, says why once, and retries later unless a change comes first. */
  private failed(hints: ReadonlySet<string>, error: unknown): void {
    for (const hint of hints) this.hints.add(hint);
    this.failing = true;
    const message = `knowledge not reloaded: ${errorLine(error)}; the previous version is still served until a retry works`;
    if (message !== this.lastFailure) this.report(message);
    this.lastFailure = message;
    if (this.closed) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(delay * 2, RETRY_MAX_MS);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.changed([]);
    }, delay);
  }

  /** Fits the new retriever's own fusion in the background; a newer reload makes it moot, and it stops. */
  private recalibrate(retriever: Retriever): void {
    const stale = () => this.closed || this.current !== retriever;
    const run: Promise<void> = recalibrateRanker(retriever, stale)
      .then(() => undefined, (error: unknown) => this.report(`ranker recalibration: ${errorLine(error)}`))
      .finally(() => { if (this.recalibration === run) this.recalibration = undefined; });
    this.recalibration = run;
  }

  /** To `onError`: a listener that throws must not stop the reloads, nor end the server as an unhandled rejection. */
  private report(message: string): void {
    safely(() => this.options.onError?.(message));
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
    const build = await buildRetrieval(knowledge, this.options.retrieval, onProgress, this.embedder, this.current?.ranker);

    const previous = this.current?.knowledge;
    this.files = files;
    this.current = build.retriever;
    if (build.ranker && !build.ranker.heldOut) this.recalibrate(build.retriever);
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


/** The watcher also names folders, and '.' for the whole folder: they make a reload, but can name no file. */
const isFileHint = (relPath: string) => /\.md$/i.test(relPath);

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
