import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO, tempTree } from '../helpers.js';

describe('escucha index', () => {
  it('falls back to the bundled English model in one line, embeds English articles once, and reuses them', async () => {
    const root = tempTree({
      'knowledge/a.md': '---\ntitle: Reset your password\nlocale: en\n---\nOpen settings.\n',
      'knowledge/b.md': '---\ntitle: B\nstatus: draft\n---\nText.\n',
      'knowledge/c.md': '---\ntitle: Cambiar la contraseña\nlocale: es\n---\nAbre ajustes.\n',
    });
    const io = captureIO(root);
    expect(await main(['index'], io)).toBe(0);
    expect(io.out().split('\n')).toEqual([
      'embedding: 2/2',
      `semantic search with use-lite (en only; other languages lexical): model "Xenova/multilingual-e5-small" is not in ${root}/models/Xenova/multilingual-e5-small and downloads are off (retrieval.embedder.allowRemote)`,
      // The English article only: its section and its title; the Spanish one is searched lexically.
      expect.stringMatching(/^vector index rebuilt \(no saved index\): 2 passages, 2 embedded, 0 reused, [\d.]+ s$/),
      'index ready: 2 published articles, 2 sections, search mode lexical+use-lite',
      '',
    ]);
    const again = captureIO(root);
    expect(await main(['index'], again)).toBe(0);
    expect(again.out()).not.toContain('rebuilt');
  });

  it('says in one line that no model is available when the fallback is off, and serves lexical search', async () => {
    const root = tempTree({
      'knowledge/a.md': '---\ntitle: A\n---\nText.\n',
      'bot.config.ts': 'export default { retrieval: { embedder: { fallback: "none" } } };\n',
    });
    const io = captureIO(root);
    expect(await main(['index'], io)).toBe(0);
    expect(io.out()).toBe([
      `semantic search off: model "Xenova/multilingual-e5-small" is not in ${root}/models/Xenova/multilingual-e5-small and downloads are off (retrieval.embedder.allowRemote); serving with the lexical index alone`,
      'index ready: 1 published articles, 1 sections, search mode lexical',
      '',
    ].join('\n'));
  });

  it('can be told to skip semantic search', async () => {
    const root = tempTree({ 'kb/a.md': '---\ntitle: A\n---\nText.\n' });
    const io = captureIO(root);
    expect(await main(['index', '--knowledge', 'kb', '--embedder', 'lexical'], io)).toBe(0);
    expect(io.out()).toContain('semantic search off: retrieval.embedder.provider is "none"; serving with the lexical index alone');
  });
});
