import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeStaticModel, defaultStaticModelDir, encodeStaticModel, loadStaticModel, readStaticModelHeader, STATIC_MODEL_FILE,
  STATIC_MODEL_ID, type StaticModel,
} from '../../src/retrieval/static-model.js';
import { DEFAULT_FEATURES, foldWords, sentenceFeatures } from '../../src/retrieval/static-model-features.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('the shipped bilingual model (models/escucha-bilingual)', () => {
  let model: StaticModel;
  let loadMs = 0;
  beforeAll(async () => {
    const start = performance.now();
    model = await loadStaticModel();
    loadMs = performance.now() - start;
  });

  it('loads quickly as an Embedder for Spanish and English', () => {
    expect(model.id).toBe(STATIC_MODEL_ID);
    expect(model.dimensions).toBeGreaterThanOrEqual(64);
    expect(model.locales).toEqual(['es', 'en']);
    expect(model.revision).toMatch(/^[0-9a-f]{12}$/);
    // The budget is 1 s; a loaded test machine gets some slack.
    expect(loadMs).toBeLessThan(3000);
    expect(readStaticModelHeader().sha256.startsWith(model.revision)).toBe(true);
  });

  it('embeds deterministically into unit-length vectors', async () => {
    const texts = ['¿Cómo cambio mi contraseña?', 'How do I change my password?', 'roaming en México'];
    const first = await model.embed(texts, 'query');
    const again = await model.embed(texts, 'passage');
    const reloaded = await (await loadStaticModel(defaultStaticModelDir())).embed(texts, 'query');
    for (let i = 0; i < texts.length; i++) {
      expect(first[i]).toHaveLength(model.dimensions);
      expect(Math.abs(Math.sqrt(dot(first[i]!, first[i]!)) - 1)).toBeLessThan(1e-5);
      expect([...again[i]!]).toEqual([...first[i]!]);
      expect([...reloaded[i]!]).toEqual([...first[i]!]);
    }
  });

  it('folds case and accents: "contraseña" and "CONTRASENA" are the same word', () => {
    expect([...model.embedOne('Olvidé mi CONTRASEÑA')]).toEqual([...model.embedOne('olvide mi contrasena')]);
  });

  it('gives a text with no words the zero vector', () => {
    expect(model.embedOne('  ¿? ').every((x) => x === 0)).toBe(true);
  });

  it('puts a Spanish sentence closer to its English translation than to unrelated English', () => {
    const cases: [string, string, string][] = [
      ['¿Cómo cambio mi contraseña?', 'How do I change my password?', 'The weather will be sunny tomorrow'],
      ['Quiero cancelar mi suscripción', 'I want to cancel my subscription', 'Open the file in a new window'],
      ['No puedo conectarme a la red inalámbrica', 'I cannot connect to the wireless network', 'Print the document on both sides'],
      ['Abrir el archivo en una ventana nueva', 'Open the file in a new window', 'I want to cancel my subscription'],
    ];
    for (const [es, en, other] of cases) {
      const [vEs, vEn, vOther] = [model.embedOne(es), model.embedOne(en), model.embedOne(other)];
      expect(dot(vEs, vEn), `${es} → ${en}`).toBeGreaterThan(dot(vEs, vOther));
    }
  });

  it('embeds a sentence in well under a millisecond', () => {
    const sentence = 'mi factura de este mes es más alta de lo normal, ¿por qué me habéis cobrado dos veces?';
    for (let i = 0; i < 50; i++) model.embedOne(sentence);
    // The best of five rounds, so a busy machine does not fail the budget (0.5 ms; typically 0.02-0.05 ms).
    let best = Infinity;
    for (let round = 0; round < 5; round++) {
      const start = performance.now();
      for (let i = 0; i < 200; i++) model.embedOne(sentence);
      best = Math.min(best, (performance.now() - start) / 200);
    }
    expect(best).toBeLessThan(0.5);
  });
});

describe('a missing or corrupt model file', () => {
  let dir: string;
  let shipped: Buffer;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'escucha-static-'));
    shipped = readFileSync(path.join(defaultStaticModelDir(), STATIC_MODEL_FILE));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const expectOneLine = async (folder: string, pattern: RegExp) => {
    const error = await loadStaticModel(folder).then(() => undefined, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toMatch(pattern);
    expect(error!.message).not.toContain('\n');
    expect(error!.message).toContain(path.join(folder, STATIC_MODEL_FILE));
  };

  it('says the file is missing', async () => {
    await expectOneLine(path.join(dir, 'nowhere'), /is missing \(rebuild it with "npm run build:model"\)/);
  });

  it('detects a flipped byte, a truncated file and a file of the wrong type', async () => {
    const flipped = Buffer.from(shipped);
    flipped[flipped.length - 1000] = flipped[flipped.length - 1000]! ^ 0x5a;
    const cases: [string, Buffer, RegExp][] = [
      ['flipped', flipped, /checksum mismatch \(corrupt file\)/],
      ['truncated', shipped.subarray(0, shipped.length - 4096), /truncated or padded file/],
      ['wrong-type', Buffer.from('{"not": "a model"}'), /wrong file type/],
      ['empty', Buffer.alloc(0), /wrong file type/],
    ];
    for (const [name, bytes, pattern] of cases) {
      const folder = path.join(dir, name);
      await import('node:fs').then((fs) => fs.mkdirSync(folder, { recursive: true }));
      writeFileSync(path.join(folder, STATIC_MODEL_FILE), bytes);
      await expectOneLine(folder, pattern);
    }
  });
});

describe('the model format and features', () => {
  it('round-trips a small model through encode and decode', async () => {
    const features = { ...DEFAULT_FEATURES, bucketBits: 6 };
    const rows = 1 << features.bucketBits;
    const dimensions = 4;
    const table = Int8Array.from({ length: rows * dimensions }, (_, i) => ((i * 37) % 255) - 127);
    const scales = Float32Array.from({ length: rows }, (_, i) => 0.01 * (1 + (i % 5)));
    const sif = new Uint8Array(1 << 8);
    const bytes = encodeStaticModel({ dimensions, features, sif, weightBits: 8, table, scales }, { training: { note: 'test' } });
    const model = decodeStaticModel(bytes);
    const [v] = await model.embed(['hola mundo'], 'query');
    expect(v).toHaveLength(dimensions);
    expect(Math.abs(dot(v!, v!) - 1)).toBeLessThan(1e-5);
    // The same weights give the same vector.
    expect([...decodeStaticModel(Buffer.from(bytes)).embedOne('hola mundo')]).toEqual([...v!]);
  });

  it('folds words and emits word, n-gram and bigram buckets with SIF-scaled weights', () => {
    expect(foldWords('¡Añadir SIM-adicional, ya!')).toEqual(['anadir', 'sim', 'adicional', 'ya']);
    const buckets: number[] = [];
    const weights: number[] = [];
    const n = sentenceFeatures('mi factura', DEFAULT_FEATURES, (w) => (w === 'mi' ? 0.5 : 1), buckets, weights);
    // "mi": word + "<mi>" has 3-grams "<mi", "mi>" (the 4-gram is the whole marked word, skipped) = 3 buckets;
    // "factura": word + 3-5-grams of "<factura>" (7 + 6 + 5) = 19; one bigram.
    expect(n).toBe(3 + 19 + 1);
    expect(buckets.every((b) => b >= 0 && b < 1 << DEFAULT_FEATURES.bucketBits)).toBe(true);
    expect(weights[0]).toBeCloseTo(0.5);
    expect(weights[n - 1]).toBeCloseTo(Math.sqrt(0.5) * DEFAULT_FEATURES.bigramWeight);
  });
});
