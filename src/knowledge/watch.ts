import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { errorLine, safely } from '../util/errors.js';
import { ignoredPath } from './loader.js';

export interface WatchOptions {
  /** Quiet time after the last event before reporting: an editor's save is a burst of several events. */
  debounceMs?: number;
  /** Longest wait after the first event, so a file rewritten without pause is still reported. */
  maxWaitMs?: number;
  /** How often the knowledge folder itself is checked, to watch it again once deleted, replaced or renamed. */
  checkEveryMs?: number;
  /**
   * Problems the watcher cannot get past by itself (such as the system's limit on watches), and what `onChange`
   * throws; never thrown. What this throws is dropped.
   */
  onError?: (message: string) => void;
}

export interface KnowledgeWatcher { close(): void }

/** Reported when the knowledge folder itself came back or was replaced: anything in it may have changed. */
const WHOLE_FOLDER = '.';

interface WatchedFolder { watcher: FSWatcher; identity: string }

/**
 * Calls `onChange` with the `/`-separated relative paths of the Markdown files (and folders) that changed under
 * `dir`, once per burst of events, and `.` when the folder itself came back or was replaced. Editor temp and backup
 * files, hidden files and node_modules are ignored (`ignoredPath`, as the loader does).
 *
 * Each folder gets its own watch rather than one `fs.watch(dir, { recursive: true })`: on Linux, Node 20's
 * recursive watch follows files by inode, so after the first save by rename (vim, many editors, git checkout)
 * it stops seeing that file at all. A folder's watch reports every name in it whatever happens to the inodes.
 */
export function watchKnowledge(dir: string, onChange: (changedPaths: string[]) => void,
  { debounceMs = 150, maxWaitMs = 1000, checkEveryMs = 500, onError }: WatchOptions = {}): KnowledgeWatcher {
  const root = path.resolve(dir);
  const folders = new Map<string, WatchedFolder>();
  let rootIdentity: string | undefined;
  const pending = new Set<string>();
  let firstPendingAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let lastError: string | undefined;

  const report = (message: string) => {
    if (message === lastError) return;
    lastError = message;
    safely(() => onError?.(message));
  };

  function noticed(relPath: string): void {
    if (closed) return;
    if (relPath !== WHOLE_FOLDER && !relevant(relPath)) return;
    const now = Date.now();
    if (!pending.size) firstPendingAt = now;
    pending.add(relPath);
    clearTimeout(timer);
    timer = setTimeout(flush, Math.max(0, Math.min(debounceMs, firstPendingAt + maxWaitMs - now)));
  }

  /** Markdown files, and folders: a folder renamed or deleted is reported by its name only. */
  function relevant(relPath: string): boolean {
    if (ignoredPath(relPath)) return false;
    return /\.md$/i.test(relPath) || folders.has(relPath) || folderIdentity(path.join(root, relPath)) !== undefined;
  }

  /** Runs from a timer: nothing may escape it, or the process ends. */
  function flush(): void {
    timer = undefined;
    const paths = new Set(pending);
    pending.clear();
    try {
      if (rearm()) paths.add(WHOLE_FOLDER);
    } catch (error) {
      report(`knowledge watcher: ${errorLine(error)}`);
    }
    if (paths.size) safely(() => onChange([...paths].sort()), (error) => report(`onChange failed: ${errorLine(error)}`));
  }

  /** Watches every folder now under the root; says whether the root itself is not the one watched before. */
  function rearm(): boolean {
    const identity = folderIdentity(root);
    const replaced = identity !== rootIdentity;
    if (replaced) {
      unwatchAll();
      rootIdentity = identity;
    }
    if (rootIdentity === undefined) return replaced;
    const present = new Map<string, string>();
    collectFolders('', present);
    for (const [rel, watched] of folders) {
      if (present.get(rel) !== watched.identity) {
        watched.watcher.close();
        folders.delete(rel);
      }
    }
    for (const [rel, identity] of present) if (!folders.has(rel)) watchFolder(rel, identity);
    return replaced;
  }

  function collectFolders(rel: string, into: Map<string, string>): void {
    const identity = folderIdentity(path.join(root, rel));
    if (identity === undefined) return;
    into.set(rel, identity);
    let entries;
    try {
      entries = readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return; // Gone meanwhile: its parent's watch reports it.
    }
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory() && !ignoredPath(child)) collectFolders(child, into);
    }
  }

  function watchFolder(rel: string, identity: string): void {
    try {
      const watcher = watch(path.join(root, rel), (_event, name) => {
        // Without a name (not on Linux), anything in the folder may have changed.
        noticed(name ? (rel ? `${rel}/${name}` : name) : rel || WHOLE_FOLDER);
      });
      watcher.on('error', () => {
        watcher.close();
        folders.delete(rel);
        noticed(rel || WHOLE_FOLDER);
      });
      folders.set(rel, { watcher, identity });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return; // Deleted meanwhile: its parent's watch reports it.
      report(`cannot watch ${path.join(root, rel)} (${code ?? errorLine(error)}); `
        + (code === 'ENOSPC' ? 'raise fs.inotify.max_user_watches; ' : '') + 'edits there are picked up with the next change elsewhere');
    }
  }

  function unwatchAll(): void {
    for (const { watcher } of folders.values()) watcher.close();
    folders.clear();
  }

  rearm();
  // A deleted, renamed or replaced folder sends no more events to the old watches: checking is the only way to know.
  const check = setInterval(() => {
    if (folderIdentity(root) !== rootIdentity) noticed(WHOLE_FOLDER);
  }, checkEveryMs);

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(check);
      pending.clear();
      unwatchAll();
    },
  };
}

/** Device and inode of a folder, or undefined when there is no folder there. */
function folderIdentity(file: string): string | undefined {
  try {
    const info = statSync(file);
    return info.isDirectory() ? `${info.dev}:${info.ino}` : undefined;
  } catch {
    return undefined;
  }
}
