import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { buildRetrieval, loadEmbedder, type Embedder, type EmbedderSettings } from '../../src/retrieval/index.js';
import { LOCALES, tempTree } from '../helpers.js';
import { TINY_DIMENSIONS, writeTinyModel } from './tiny-model.js';

// These tests run transformers.js and ONNX Runtime for real, offline, on a tiny model written at test time.

const MODEL = 'test-org/tiny-encoder';

/** Transformers only (no fallback model), from the local folder, downloads off. */
const settings = (modelsDir: string, over: Partial<EmbedderSettings> = {}): EmbedderSettings => ({
  provider: 'transformers', fallback: 'none', model: MODEL, modelsDir, allowRemote: false, quantized: true, batchSize: 2, ...over,
});

async function tinyEmbedder(): Promise<Embedder> {
  const modelsDir = tempTree({});
  writeTinyModel(modelsDir, MODEL);
  const loaded = await loadEmbedder(settings(modelsDir));
  if (!loaded.embedder) throw new Error(`tiny model did not load: ${loaded.reason}`);
  return loaded.embedder;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

describe('transformers.js embedder (tiny local model)', () => {
  it('loads a local model offline, with unit vectors of its width, the same in batches as one by one', async () => {
    const embedder = await tinyEmbedder();
    expect(embedder.id).toBe(MODEL);
    expect(embedder.dimensions).toBe(TINY_DIMENSIONS);

    // Five texts of different lengths with a batch size of 2: batches of 2, 2 and 1, padded differently.
    const texts = ['hola', 'cambiar mi contraseña', 'download the invoice for my order', 'roaming en Francia', 'help'];
    const batched = await embedder.embed(texts, 'passage');
    expect(batched).toHaveLength(texts.length);
    for (const [i, text] of texts.entries()) {
      const vector = batched[i]!;
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(TINY_DIMENSIONS);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
      const [alone] = await embedder.embed([text], 'passage');
      expect(dot(vector, alone!)).toBeCloseTo(1, 5);
    }
    // Different texts really get different vectors.
    expect(dot(batched[0]!, batched[1]!)).toBeLessThan(0.99);
  });

  it('scores a passage sharing the query\'s words above one sharing none, after case and accent folding', async () => {
    const embedder = await tinyEmbedder();
    const [query] = await embedder.embed(['¿Cómo cambio mi contraseña?'], 'query');
    const [shares, sharesNone] = await embedder.embed(['Cambiar la contraseña desde mi perfil', 'Descargar factura del pedido'], 'passage');
    expect(dot(query!, shares!)).toBeGreaterThan(dot(query!, sharesNone!) + 0.2);

    const [english] = await embedder.embed(['change my password'], 'query');
    const [a, b] = await embedder.embed(['how to change the password', 'download invoice'], 'passage');
    expect(dot(english!, a!)).toBeGreaterThan(dot(english!, b!) + 0.2);

    const [upper, plain] = await embedder.embed(['CONTRASEÑA', 'contrasena'], 'query');
    expect(dot(upper!, plain!)).toBeCloseTo(1, 5);
  });

  it('says where it looked when the model folder is missing, without trying to load anything', async () => {
    const modelsDir = tempTree({});
    const loaded = await loadEmbedder(settings(modelsDir, { model: 'test-org/not-there' }));
    expect(loaded.embedder).toBeUndefined();
    expect('reason' in loaded && loaded.reason).toContain(path.join(modelsDir, 'test-org', 'not-there'));
    expect('reason' in loaded && loaded.reason).toMatch(/downloads are off/);
  });

  it('reports a corrupt ONNX file in one line instead of throwing', async () => {
    const modelsDir = tempTree({});
    const dir = writeTinyModel(modelsDir, MODEL);
    writeFileSync(path.join(dir, 'onnx', 'model_quantized.onnx'), Uint8Array.from({ length: 256 }, (_, i) => (i * 37 + 11) % 256));
    // transformers.js warns with the native error's stack before retrying on wasm: nothing may reach the console.
    const warn = vi.spyOn(console, 'warn');
    try {
      const loaded = await loadEmbedder(settings(modelsDir));
      expect(loaded.embedder).toBeUndefined();
      const reason = 'reason' in loaded ? loaded.reason : '';
      expect(reason).toMatch(new RegExp(`^model "${MODEL}" could not be loaded: \\S`));
      expect(reason).toMatch(/protobuf/i);
      expect(reason).not.toMatch(/\n|\bat .+:\d+:\d+/);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('builds, saves and reopens a vector index, and hybrid search gets a dense signal', async () => {
    const modelsDir = tempTree({});
    writeTinyModel(modelsDir, MODEL);
    const kb = await loadKnowledge({
      dir: tempTree({
        'es/contrasena.md': '---\nid: cambiar-contrasena\ntitle: Cambiar la contraseña\nquestions: [nueva contraseña]\n---\nDesde tu perfil, en seguridad.\n',
        'es/factura.md': '---\nid: factura\ntitle: Descargar la factura\n---\nEn la app, en billing.\n',
        'en/roaming.md': '---\nid: roaming\nlocale: en\ntitle: Roaming in France\n---\nHow roaming works in the app.\n',
      }),
      locales: LOCALES, maxFileBytes: 1e6,
    });
    const dataDir = tempTree({});
    const retrieval = { dataDir, chunkMaxChars: 1200, embedder: settings(modelsDir), denseWeight: 0.45 };

    const first = await buildRetrieval(kb, retrieval);
    expect(first.lexicalOnlyBecause).toBeUndefined();
    expect(first.built).toMatchObject({ reason: 'no saved index', reused: 0 });
    expect(first.built!.embedded).toBeGreaterThanOrEqual(6);
    expect(existsSync(path.join(dataDir, 'index', 'CURRENT'))).toBe(true);

    const result = await first.retriever.search('quiero cambiar la contraseña', { locale: 'es' });
    expect(result.mode).toBe(`lexical+${MODEL}`);
    expect(result.hits[0]!.article.id).toBe('cambiar-contrasena');
    expect(result.hits[0]!.signals.dense).toBeGreaterThan(0.5);
    const unrelated = result.hits.find((h) => h.article.id === 'factura')?.signals.dense ?? -1;
    expect(result.hits[0]!.signals.dense!).toBeGreaterThan(unrelated);

    // The next start opens the saved index instead of embedding again.
    const second = await buildRetrieval(kb, retrieval);
    expect(second.built).toBeUndefined();
    const again = await second.retriever.search('quiero cambiar la contraseña', { locale: 'es' });
    expect(again.hits[0]!.signals.dense).toBeCloseTo(result.hits[0]!.signals.dense!, 5);
  });
});
