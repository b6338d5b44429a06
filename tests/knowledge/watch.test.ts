import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ignoredPath, watchKnowledge, type KnowledgeWatcher } from '../../src/knowledge/index.js';
import { tempTree } from '../helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(done: () => boolean) {
  const deadline = Date.now() + 2000;
  while (!done() && Date.now() < deadline) await sleep(10);
  await sleep(100); // and nothing more arrives
}
const watchers: KnowledgeWatcher[] = [];
afterEach(() => { watchers.splice(0).forEach((w) => w.close()); });

function watched(root: string) {
  const calls: string[][] = [];
  watchers.push(watchKnowledge(root, (paths) => calls.push(paths), { debounceMs: 50 }));
  return calls;
}

describe('watchKnowledge', () => {
  it('tells editor leftovers, hidden files and other files from articles', () => {
    for (const name of ['es/.x.md.swp', 'es/x.md~', 'es/4913', 'es/.#x.md', '.git/HEAD', 'node_modules/a/readme.md', 'es/x.swo']) {
      expect(ignoredPath(name), name).toBe(true);
    }
    expect(ignoredPath('es/x.md')).toBe(false);
  });

  it('reports a vim-style save once, by the article, however many times it is saved', async () => {
    const root = tempTree({ 'es/x.md': 'v0' });
    const calls = watched(root);
    const file = (rel: string) => path.join(root, rel);
    for (let i = 1; i <= 3; i++) {
      writeFileSync(file('es/4913'), '');
      rmSync(file('es/4913'));
      writeFileSync(file('es/.x.md.swp'), 'swap');
      renameSync(file('es/x.md'), file('es/x.md~'));
      writeFileSync(file('es/x.md'), `v${i}`);
      rmSync(file('es/x.md~'));
      await until(() => calls.length >= i);
      expect(calls).toEqual(Array.from({ length: i }, () => ['es/x.md']));
    }
  });

  it('ignores files that are not articles, and follows new folders', async () => {
    const root = tempTree({ 'es/x.md': 'v0' });
    const calls = watched(root);
    writeFileSync(path.join(root, 'es/notes.txt'), 'x');
    writeFileSync(path.join(root, '.hidden.md'), 'x');
    await sleep(150);
    expect(calls).toEqual([]);
    mkdirSync(path.join(root, 'en'));
    await until(() => calls.length >= 1);
    writeFileSync(path.join(root, 'en/y.md'), 'y');
    await until(() => calls.length >= 2);
    expect(calls).toEqual([['en'], ['en/y.md']]);
  });

  it('survives an onChange and an onError that throw, and keeps reporting', async () => {
    const root = tempTree({ 'es/x.md': 'v0' });
    const calls: string[][] = [];
    const errors: string[] = [];
    watchers.push(watchKnowledge(root, (paths) => {
      calls.push(paths);
      throw new Error('onChange bug');
    }, {
      debounceMs: 50,
      onError: (message) => {
        errors.push(message);
        throw new Error('onError bug');
      },
    }));
    // Both throw from the watcher's timer: uncaught there, they would end the process (and fail this run).
    writeFileSync(path.join(root, 'es/x.md'), 'v1');
    await until(() => calls.length >= 1);
    writeFileSync(path.join(root, 'es/x.md'), 'v2');
    await until(() => calls.length >= 2);
    expect(calls).toEqual([['es/x.md'], ['es/x.md']]);
    // The same problem again is not said again.
    expect(errors).toEqual(['onChange failed: onChange bug']);
  });
});
