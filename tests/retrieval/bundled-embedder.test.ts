import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { buildRetrieval, loadEmbedder, type Embedder, type EmbedderLoad, type EmbedderSettings } from '../../src/retrieval/index.js';
import { combineEmbedders } from '../../src/retrieval/combined-embedder.js';
import { defaultStaticModelDir, loadStaticModel, readStaticModelHeader, STATIC_MODEL_FILE } from '../../src/retrieval/static-model.js';
import { writeTinyModel } from './tiny-model.js';
import { LOCALES, tempTree } from '../helpers.js';

// The models that ship with Escucha, loaded for real: the bilingual static model and USE-lite.

const settings = (over: Partial<EmbedderSettings> = {}): EmbedderSettings => ({
  provider: 'bundled', fallback: 'none', model: 'none', modelsDir: tempTree({}), allowRemote: false, quantized: true, batchSize: 16, ...over,
});

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
const why = (load: EmbedderLoad) => ('fallbackBecause' in load ? load.fallbackBecause : undefined);

/** A model that gives each text a fixed vector (so the combination's arithmetic can be checked by hand). */
const fixed = (id: string, vectors: Record<string, number[]>, locales?: string[]): Embedder => ({
  id, dimensions: Object.values(vectors)[0]!.length, ...(locales && { locales }),
  embed: async (texts) => texts.map((t) => Float32Array.from(vectors[t]!)),
});

/** A folder holding a copy of the shipped model with one byte changed. */
function corruptModelDir(): string {
  const dir = tempTree({});
  const bytes = readFileSync(path.join(defaultStaticModelDir(), STATIC_MODEL_FILE));
  bytes[bytes.length - 500] = bytes[bytes.length - 500]! ^ 0xff;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, STATIC_MODEL_FILE), bytes);
  return dir;
}

describe('several models read as one', () => {
  it('gives the mean of the models\' cosines, side by side in one unit vector', async () => {
    const a = fixed('a', { x: [1, 0], y: [0.6, 0.8] }, ['es', 'en']);
    const b = fixed('b', { x: [1, 0, 0], y: [1, 0, 0] }, ['en']);
    const both = combineEmbedders([a, b]);
    expect(both).toMatchObject({ id: 'a+b', dimensions: 5, locales: ['es', 'en'] });
    const [x, y] = await both.embed(['x', 'y'], 'query');
    expect(dot(x!, x!)).toBeCloseTo(1, 6);
    expect(dot(x!, y!)).toBeCloseTo((0.6 + 1) / 2, 6);
    // With shares 1:3 the cosines are averaged with those weights; the shares are part of the revision (the saved
    // vectors hold them), and of what a text read by some of the models fills.
    const weighted = combineEmbedders([a, b], [1, 3]);
    const [wx, wy] = await weighted.embed(['x', 'y'], 'query');
    expect(dot(wx!, wy!)).toBeCloseTo((0.6 * 1 + 1 * 3) / 4, 6);
    expect(weighted.revision).toBe('1:3');
    expect(combineEmbedders([a, b], [1, 2]).revision).toBe('1:2');
    expect(both.revision).toBe('1:1');
    expect([weighted.readShare!('es'), weighted.readShare!('en'), weighted.readShare!('fr')]).toEqual([0.25, 1, 1]);
    const [spanishX] = await weighted.embed(['x'], 'query', 'es');
    expect(dot(spanishX!, wy!) / Math.sqrt(weighted.readShare!('es'))).toBeCloseTo(0.6, 6);
    // A model that reads every language makes the whole read every language.
    expect(combineEmbedders([a, fixed('c', { x: [1] })]).locales).toBeUndefined();
  });

  it('reads a text of a known language only with the models that read it', async () => {
    const both = combineEmbedders([fixed('a', { x: [0.6, 0.8] }, ['es', 'en']), fixed('b', { x: [1, 0, 0] }, ['en'])]);
    expect([...(await both.embed(['x'], 'query', 'es'))[0]!].map((v) => +v.toFixed(6))).toEqual([0.6, 0.8, 0, 0, 0]);
    expect(dot((await both.embed(['x'], 'query', 'en'))[0]!, (await both.embed(['x'], 'query', 'es'))[0]!)).toBeCloseTo(Math.SQRT1_2, 6);
    // No model reads French: all of them do their best.
    expect((await both.embed(['x'], 'query', 'fr'))[0]![2]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('keeps a unit vector when one model knows none of the words', async () => {
    const both = combineEmbedders([fixed('a', { z: [0, 0] }), fixed('b', { z: [0, 1] })]);
    const [z] = await both.embed(['z'], 'passage');
    expect([...z!]).toEqual([0, 0, 0, 1]);
  });
});

describe('the bundled models', () => {
  it('load together by default, and read Spanish and English', async () => {
    const loaded = await loadEmbedder(settings());
    expect(loaded).not.toHaveProperty('fallbackBecause');
    expect(loaded.embedder).toMatchObject({ id: 'escucha-bilingual+use-lite', locales: ['es', 'en'] });
    expect(loaded.embedder!.revision).toBe(`${readStaticModelHeader().sha256.slice(0, 12)};1:2`);
  });

  it('fall back to USE-lite alone, saying why, when the bilingual model is corrupt or missing', async () => {
    const corrupt = await loadEmbedder(settings({ bilingualDir: corruptModelDir() }));
    expect(corrupt.embedder).toMatchObject({ id: 'use-lite', locales: ['en'] });
    expect(why(corrupt)).toMatch(/model\.bin is not a usable escucha-bilingual model: checksum mismatch \(corrupt file\)/);
    const missingDir = path.join(tempTree({}), 'gone');
    const missing = await loadEmbedder(settings({ bilingualDir: missingDir }));
    expect(missing.embedder?.id).toBe('use-lite');
    expect(why(missing)).toContain(`${path.join(missingDir, STATIC_MODEL_FILE)} is missing (rebuild it with "npm run build:model")`);
    // Asked for alone, a missing model leaves lexical search, with the reason.
    const alone = await loadEmbedder(settings({ provider: 'escucha-bilingual', bilingualDir: missingDir }));
    expect(alone.embedder).toBeUndefined();
    expect(alone).toMatchObject({ reason: expect.stringContaining('is missing') });
  });

  it('take a transformers model that loads alongside them, and still translate a foreign question', async () => {
    const modelsDir = tempTree({});
    writeTinyModel(modelsDir, 'test-org/tiny-encoder');
    const kb = await loadKnowledge({
      dir: tempTree({ 'en/password.md': '---\nid: change-password\nlocale: en\ntitle: Change your password\n---\nOpen your profile.\n',
        'en/invoice.md': '---\nid: invoice\nlocale: en\ntitle: Download an invoice\n---\nIn the app, under Billing.\n' }),
      locales: LOCALES, maxFileBytes: 1e6,
    });
    const embedder = settings({ provider: 'transformers', fallback: 'bundled', model: 'test-org/tiny-encoder', modelsDir });
    const built = await buildRetrieval(kb, { dataDir: tempTree({}), chunkMaxChars: 1200, embedder, denseWeight: 0.45 });
    expect(built.retriever.mode).toBe('lexical+test-org/tiny-encoder+escucha-bilingual+use-lite');
    const hit = (await built.retriever.search('mi contraseña', { locale: 'es' })).hits.find((h) => h.article.id === 'change-password');
    expect(hit?.signals.lexical).toBeGreaterThan(0);
  });

  it('are what a transformers model that cannot be loaded falls back to', async () => {
    const loaded = await loadEmbedder(settings({ provider: 'transformers', fallback: 'bundled', model: 'org/absent' }));
    expect(loaded.embedder?.id).toBe('escucha-bilingual+use-lite');
    expect(why(loaded)).toMatch(/model "org\/absent" is not in .* and downloads are off/);
  });

  it('answer a Spanish question from an article written only in English, and key the saved index by the model\'s revision', async () => {
    const kb = await loadKnowledge({
      dir: tempTree({
        'en/password.md': '---\nid: change-password\nlocale: en\ntitle: Change your password\nquestions: [I forgot my password, reset my password]\n---\nOpen your profile, then Security.\n',
        'en/invoice.md': '---\nid: invoice\nlocale: en\ntitle: Download an invoice\nquestions: [where is my bill, get last month\'s invoice]\n---\nIn the app, under Billing.\n',
        'en/roaming.md': '---\nid: roaming\nlocale: en\ntitle: Roaming abroad\nquestions: [use my phone in another country]\n---\nRoaming works in the EU.\n',
      }),
      locales: LOCALES, maxFileBytes: 1e6,
    });
    const dataDir = tempTree({});
    const retrieval = { dataDir, chunkMaxChars: 1200, embedder: settings(), denseWeight: 0.45 };
    const first = await buildRetrieval(kb, retrieval);
    const result = await first.retriever.search('olvidé mi contraseña', { locale: 'es' });
    expect(result.mode).toBe('lexical+escucha-bilingual+use-lite');
    expect(result.hits[0]!.article.id).toBe('change-password');
    // The question's words translated into the articles' words: "contraseña" meets "password" in the lexical index.
    expect(result.hits[0]!.signals.lexical).toBeGreaterThan(0);
    // Read by the bilingual model alone, its similarity is that model's own cosine with the nearest passage.
    const bilingual = await loadStaticModel();
    const question = bilingual.embedOne('olvidé mi contraseña');
    const article = kb.published.find((a) => a.id === 'change-password')!;
    const nearest = Math.max(...[article.title, ...article.questions, ...article.sections.map((x) => x.text)].map((t) => dot(question, bilingual.embedOne(t))));
    expect(result.hits[0]!.signals.dense).toBeCloseTo(nearest, 3);
    const lexicalOnly = await buildRetrieval(kb, { ...retrieval, dataDir: tempTree({}), embedder: settings({ provider: 'none' }) });
    expect((await lexicalOnly.retriever.search('olvidé mi contraseña', { locale: 'es' })).hits[0]?.article.id).not.toBe('change-password');

    const saved = JSON.parse(readFileSync(path.join(dataDir, 'index', readFileSync(path.join(dataDir, 'index', 'CURRENT'), 'utf8').trim(), 'meta.json'), 'utf8')) as { model: string };
    expect(saved.model).toBe(`escucha-bilingual+use-lite@${readStaticModelHeader().sha256.slice(0, 12)};1:2`);
    expect((await buildRetrieval(kb, retrieval)).built).toBeUndefined();
  });
});
