import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO, tempTree } from '../helpers.js';

describe('escucha index', () => {
  it('says in one line that no model is available and serves lexical search', async () => {
    const root = tempTree({ 'knowledge/a.md': '---\ntitle: A\n---\nText.\n', 'knowledge/b.md': '---\ntitle: B\nstatus: draft\n---\nText.\n' });
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
