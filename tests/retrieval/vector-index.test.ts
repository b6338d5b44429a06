import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { Retriever, VectorIndex, buildRetrieval, normalizeWords, vectorItems, type Embedder, type EmbedderSettings, type VectorItem } from '../../src/retrieval/index.js';
import { LOCALES, tempTree } from '../helpers.js';

/** A deterministic bag-of-words embedder standing in for a model, counting every text it embeds. */
function wordEmbedder(id = 'test/words', dimensions = 64): Embedder & { calls: string[] } {
  const calls: string[] = [];
  return {
    id, dimensions, calls,
    async embed(texts) {
      calls.push(...texts);
      return texts.map((text) => {
        const v = new Float32Array(dimensions);
        for (const word of normalizeWords(text)) {
          let h = 2166136261;
          for (const ch of word) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
          v[Math.abs(h) % dimensions]! += 1;
        }
        const norm = Math.hypot(...v) || 1;
        return v.map((x) => x / norm);
      });
    },
  };
}

const item = (key: string, articleId: string, text: string): VectorItem => ({ key, articleId, text, hash: `h:${text}` });

describe('vector index', () => {
  it('finds the nearest items by cosine similarity and saves them for the next start', async () => {
    const dir = path.join(tempTree({}), 'index');
    const embedder = wordEmbedder();
    const items = [item('a', 'pw', 'change my password'), item('b', 'bill', 'download my invoice'), item('c', 'roam', 'roaming in france')];
    const { index, stats } = await VectorIndex.build(dir, embedder, items);
    expect(stats).toMatchObject({ items: 3, embedded: 3, reused: 0 });
    const [query] = await embedder.embed(['my password change'], 'query');
    expect(index.search(query!, 2)[0]).toMatchObject({ item: { key: 'a' } });
    expect(index.search(query!, 2)[0]!.similarity).toBeCloseTo(1, 5);

    const reopened = await VectorIndex.open(dir, embedder.id, embedder.dimensions);
    expect('index' in reopened && reopened.index.search(query!, 1)[0]!.item.key).toBe('a');
  });

  it('never embeds an unchanged text twice, across restarts', async () => {
    const dir = path.join(tempTree({}), 'index');
    const first = wordEmbedder();
    const { index } = await VectorIndex.build(dir, first, [item('a', 'x', 'one text'), item('b', 'y', 'another text')]);
    const second = wordEmbedder();
    const opened = await VectorIndex.open(dir, second.id, second.dimensions);
    const previous = 'index' in opened ? opened.index : index;
    const { stats } = await VectorIndex.build(dir, second, [item('a', 'x', 'one text'), item('c', 'z', 'a new text')], previous);
    expect(stats).toMatchObject({ embedded: 1, reused: 1 });
    expect(second.calls).toEqual(['a new text']);
  });

  it('refuses an index built by another model, and reports a corrupt one instead of crashing', async () => {
    const dir = path.join(tempTree({}), 'index');
    const embedder = wordEmbedder();
    await VectorIndex.build(dir, embedder, [item('a', 'x', 'one text')]);
    expect(await VectorIndex.open(dir, 'other/model', 64)).toEqual({ problem: 'saved index was built with test/words (64 dimensions), not other/model (64)' });

    const generation = readFileSync(path.join(dir, 'CURRENT'), 'utf8');
    writeFileSync(path.join(dir, generation, 'vectors.hnsw'), 'garbage');
    const opened = await VectorIndex.open(dir, embedder.id, embedder.dimensions);
    expect(opened).toEqual({ problem: expect.stringMatching(/^saved index is unreadable/) });
  });

  it('rebuilds a corrupt saved index with a clear reason, and search works again', async () => {
    const kb = await loadKnowledge({
      dir: tempTree({ 'a.md': '---\nid: pw\ntitle: Change password\nlocale: en\n---\nProfile, security.\n' }),
      locales: LOCALES, maxFileBytes: 1e6,
    });
    const settings = { dataDir: tempTree({}), chunkMaxChars: 1200, denseWeight: 0.45, embedder: {} as EmbedderSettings };
    await buildRetrieval(kb, settings, undefined, { embedder: wordEmbedder() });
    const dir = path.join(settings.dataDir, 'index');
    writeFileSync(path.join(dir, readFileSync(path.join(dir, 'CURRENT'), 'utf8'), 'vectors.hnsw'), 'garbage');

    const embedder = wordEmbedder();
    const rebuilt = await buildRetrieval(kb, settings, undefined, { embedder });
    expect(rebuilt.built?.reason).toMatch(/^saved index is unreadable \(.+\)$/);
    expect(embedder.calls.length).toBe(2);
    const { hits } = await rebuilt.retriever.search('change my password', { locale: 'en' });
    expect(hits[0]?.article.id).toBe('pw');
    expect(hits[0]?.signals.dense).toBeGreaterThan(0.5);
  });

  it('keeps the previous index usable when a write is interrupted', async () => {
    const dir = path.join(tempTree({}), 'index');
    const embedder = wordEmbedder();
    await VectorIndex.build(dir, embedder, [item('a', 'x', 'one text')]);
    // A crash mid-write leaves a half-written generation and pointer behind; neither is ever read.
    writeFileSync(path.join(dir, 'CURRENT.gen-crashed.tmp'), 'gen-crashed');
    const opened = await VectorIndex.open(dir, embedder.id, embedder.dimensions);
    expect('index' in opened && opened.index.size).toBe(1);
    // The next successful build cleans the leftovers.
    await VectorIndex.build(dir, embedder, [item('a', 'x', 'one text'), item('b', 'y', 'two')]);
    expect(readdirSync(dir).filter((e) => e.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(path.join(dir, 'CURRENT'))).toBe(true);
  });
});

describe('hybrid search', () => {
  it('fuses semantic and lexical scores so a paraphrase without shared words can still win', async () => {
    const kb = await loadKnowledge({
      dir: tempTree({
        'a.md': '---\nid: pw\ntitle: Change password\nlocale: en\nquestions: [new secret for login]\n---\nProfile, security.\n',
        'b.md': '---\nid: bill\ntitle: Download invoice\nlocale: en\n---\nBilling section of the app.\n',
      }),
      locales: LOCALES, maxFileBytes: 1e6,
    });
    const embedder = wordEmbedder();
    const { index } = await VectorIndex.build(path.join(tempTree({}), 'index'), embedder, vectorItems(kb, 1200));
    const hybrid = new Retriever(kb, { embedder, index, weight: 0.45 });
    const result = await hybrid.search('secret login', { locale: 'en' });
    expect(result.mode).toBe('lexical+test/words');
    expect(result.hits[0]!.article.id).toBe('pw');
    expect(result.hits[0]!.signals.dense).toBeGreaterThan(0.5);
    expect(result.hits[0]!.confidence).toBeLessThanOrEqual(1);
  });

  it('uses a model only for the languages it reads, and calibrates each hit for how it was scored', async () => {
    const kb = await loadKnowledge({
      dir: tempTree({
        'en.md': '---\nid: pw\ntitle: Change password\nlocale: en\n---\nProfile, security.\n',
        'es.md': '---\nid: clave\ntitle: Cambiar la contraseña\nlocale: es\n---\nPerfil, seguridad.\n',
      }),
      locales: LOCALES, maxFileBytes: 1e6,
    });
    const embedder = Object.assign(wordEmbedder('test/english'), { locales: ['en'] as const });
    const items = vectorItems(kb, 1200, embedder.locales);
    expect(new Set(items.map((i) => i.articleId))).toEqual(new Set(['pw']));
    const { index } = await VectorIndex.build(path.join(tempTree({}), 'index'), embedder, items);
    const calibration = { 'lexical/es': { slope: 4, intercept: -2 }, 'semantic/*': { slope: 8, intercept: -4 } };
    const retriever = new Retriever(kb, { embedder, index, weight: 0.45 }, calibration);

    embedder.calls.length = 0;
    const spanish = await retriever.search('cambiar contraseña', { locale: 'es' });
    expect(spanish.mode).toBe('lexical');
    expect(embedder.calls).toEqual([]);
    expect(spanish.hits[0]).toMatchObject({ article: { id: 'clave' }, signals: { calibration: 'lexical/es' } });
    expect(spanish.hits[0]!.signals.dense).toBeUndefined();
    expect(spanish.hits[0]!.confidence).toBeCloseTo(1 / (1 + Math.exp(-(4 * spanish.hits[0]!.signals.raw - 2))), 10);

    const english = await retriever.search('change password', { locale: 'en' });
    expect(english.mode).toBe('lexical+test/english');
    const pw = english.hits.find((h) => h.article.id === 'pw')!;
    // No scale was fitted for this model: the generic semantic one applies.
    expect(pw.signals.calibration).toBe('test/english/en');
    expect(pw.confidence).toBeCloseTo(1 / (1 + Math.exp(-(8 * pw.signals.raw - 4))), 10);
    expect(retriever.semanticCalibrationIsGeneric).toBe(true);
  });
});
