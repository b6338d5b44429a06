import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO, tempTree } from '../helpers.js';

describe('escucha index', () => {
  it('indexes with the bundled models by default, saying nothing about them, and reuses the vectors', async () => {
    const root = tempTree({
      'knowledge/a.md': '---\ntitle: Reset your password\nlocale: en\n---\nOpen settings.\n',
      'knowledge/b.md': '---\ntitle: B\nstatus: draft\n---\nText.\n',
      'knowledge/c.md': '---\ntitle: Cambiar la contraseña\nlocale: es\n---\nAbre ajustes.\n',
    });
    const io = captureIO(root);
    expect(await main(['index'], io)).toBe(0);
    expect(io.out().split('\n')).toEqual([
      'embedding: 4/4',
      // Both published articles, Spanish and English: a section and a title each.
      expect.stringMatching(/^vector index rebuilt \(no saved index\): 4 passages, 4 embedded, 0 reused, [\d.]+ s$/),
      'index ready: 2 published articles, 2 sections, search mode lexical+escucha-bilingual+use-lite',
      '',
    ]);
    const again = captureIO(root);
    expect(await main(['index'], again)).toBe(0);
    expect(again.out()).not.toContain('rebuilt');
  });

  it('falls back to the English model in one line when the bilingual model is missing, embedding English articles only', async () => {
    const root = tempTree({
      'knowledge/a.md': '---\ntitle: Reset your password\nlocale: en\n---\nOpen settings.\n',
      'knowledge/c.md': '---\ntitle: Cambiar la contraseña\nlocale: es\n---\nAbre ajustes.\n',
      'bot.config.ts': 'export default { retrieval: { embedder: { bilingualDir: "nowhere" } } };\n',
    });
    const io = captureIO(root);
    expect(await main(['index'], io)).toBe(0);
    expect(io.out().split('\n')).toEqual([
      // The model is announced before the embedding it is about.
      `semantic search with use-lite (en only; other languages lexical): escucha-bilingual model file ${root}/nowhere/model.bin is missing (rebuild it with "npm run build:model")`,
      'embedding: 2/2',
      expect.stringMatching(/^vector index rebuilt \(no saved index\): 2 passages, 2 embedded, 0 reused, [\d.]+ s$/),
      'index ready: 2 published articles, 2 sections, search mode lexical+use-lite',
      '',
    ]);
  });

  it('says in one line that no model is available when a transformers model is missing and the fallback is off', async () => {
    const root = tempTree({
      'knowledge/a.md': '---\ntitle: A\n---\nText.\n',
      'bot.config.ts': 'export default { retrieval: { embedder: { provider: "transformers", fallback: "none" } } };\n',
    });
    const io = captureIO(root);
    expect(await main(['index'], io)).toBe(0);
    expect(io.out()).toBe([
      `semantic search off: model "Xenova/multilingual-e5-small" is not in ${root}/models/Xenova/multilingual-e5-small and downloads are off (retrieval.embedder.allowRemote); serving with the lexical index alone`,
      'index ready: 1 published article, 1 section, search mode lexical',
      '',
    ].join('\n'));
  });

  it('can be told to skip semantic search', async () => {
    const root = tempTree({ 'kb/a.md': '---\ntitle: A\n---\nText.\n' });
    const io = captureIO(root);
    expect(await main(['index', '--knowledge', 'kb', '--embedder', 'lexical'], io)).toBe(0);
    expect(io.out()).toContain('semantic search off: retrieval.embedder.provider is "none"; serving with the lexical index alone');
  });

  it('with --watch, reindexes each change until stopped, with the errors of the files changed', async () => {
    const root = tempTree({
      'knowledge/es/a.md': '---\ntitle: Cambiar la contraseña\n---\nAbre ajustes.\n',
      'knowledge/es/b.md': '---\ntitle: Roaming\n---\nEn la UE.\n',
    });
    const stop = new AbortController();
    const io = { ...captureIO(root), signal: stop.signal };
    /** Fails with what was printed, and stops the command, when `text` is not printed within 3 s. */
    const until = async (text: string) => {
      const deadline = Date.now() + 3000;
      while (!io.out().includes(text)) {
        if (Date.now() > deadline) {
          stop.abort();
          expect.fail(`"${text}" not printed within 3 s; stdout:\n${io.out()}stderr:\n${io.err()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const exit = main(['index', '--watch', '--embedder', 'lexical'], io);
    await until('watching');
    writeFileSync(path.join(root, 'knowledge/es/b.md'), '---\ntitle: [Roaming\n---\nEn la UE.\n');
    await until('reloaded');
    rmSync(path.join(root, 'knowledge/es/a.md'));
    await until('(deleted)');
    stop.abort();
    expect(await exit).toBe(0);
    expect(io.out().split('\n').slice(1)).toEqual([
      'index ready: 2 published articles, 2 sections, search mode lexical',
      'watching knowledge for changes (Ctrl-C stops)',
      expect.stringMatching(/^reloaded knowledge\/es\/b\.md: 1 published article in \d+\.\d\d s$/),
      expect.stringMatching(/^knowledge\/es\/b\.md:\d+: error: /),
      expect.stringMatching(/^reloaded knowledge\/es\/a\.md \(deleted\): 0 published articles in \d+\.\d\d s$/),
      '',
    ]);
    expect(io.err()).toBe('');
  });
});
