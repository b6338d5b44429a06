import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmbedKind, Embedder } from './types.js';
import { sentenceFeatures, wordSlot, type FeatureSettings } from './static-model-features.js';
import { toUnitLength } from '../util/vectors.js';

/**
 * Escucha's own bilingual (Spanish + English) sentence model: a static model distilled from USE-lite
 * (models/escucha-bilingual/README.md says how). A sentence's vector is the weighted mean of hashed rows for its
 * words, word bigrams and character n-grams: pure JavaScript, no native code, microseconds per sentence.
 *
 * File format (`model.bin`, little-endian): `ESCB`, u32 format version, u32 header length, the header as JSON,
 * zero padding to a multiple of 4, then the payload: f32 scale per row, u8 SIF weight per word slot (0 means
 * "unseen": weight 1), i8 rows × dimensions. The header's `sha256` covers the payload.
 */
export const STATIC_MODEL_ID = 'escucha-bilingual';
export const STATIC_MODEL_FILE = 'model.bin';
const MAGIC = 'ESCB';
const FORMAT = 1;

export interface StaticModelHeader {
  id: string;
  dimensions: number;
  rows: number;
  weightBits: number;
  features: FeatureSettings;
  locales: string[];
  sha256: string;
  /** Free-form facts about the training run (sources, figures); not read by the loader. */
  training?: Record<string, unknown>;
}

/** The model's weights, quantized (int8 per row with a scale) or, while training, float. */
export interface StaticModelWeights {
  dimensions: number;
  features: FeatureSettings;
  /** SIF weight per word slot, as u8 / 255; 0 = unseen (weight 1). */
  sif: Uint8Array;
  weightBits: number;
  table: Int8Array | Float32Array;
  /** One scale per row for an int8 table; absent for a float table. */
  scales?: Float32Array;
}

export class StaticModel implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly locales: readonly string[];
  /** Short hash of the weights: changes whenever the model is rebuilt. */
  readonly revision: string;
  private readonly buckets: number[] = [];
  private readonly weights: number[] = [];
  private readonly wordWeight: (word: string) => number;

  constructor(private readonly w: StaticModelWeights, options: { id?: string; locales?: readonly string[]; revision?: string } = {}) {
    this.id = options.id ?? STATIC_MODEL_ID;
    this.dimensions = w.dimensions;
    this.locales = options.locales ?? ['es', 'en'];
    this.revision = options.revision ?? '';
    const cache = new Map<string, number>();
    this.wordWeight = (word) => {
      let weight = cache.get(word);
      if (weight === undefined) {
        const q = w.sif[wordSlot(word, w.weightBits)]!;
        weight = q === 0 ? 1 : q / 255;
        if (cache.size > 100_000) cache.clear();
        cache.set(word, weight);
      }
      return weight;
    };
  }

  /** One sentence to a unit-length vector; a text with no words gives the zero vector. */
  embedOne(text: string): Float32Array {
    const { dimensions: d, table, scales } = this.w;
    const out = new Float32Array(d);
    const n = sentenceFeatures(text, this.w.features, this.wordWeight, this.buckets, this.weights);
    for (let f = 0; f < n; f++) {
      const row = this.buckets[f]!;
      const weight = this.weights[f]! * (scales ? scales[row]! : 1);
      if (weight === 0) continue;
      const base = row * d;
      for (let j = 0; j < d; j++) out[j]! += weight * table[base + j]!;
    }
    return toUnitLength(out);
  }

  embed(texts: readonly string[], _kind: EmbedKind = 'query'): Promise<Float32Array[]> {
    return Promise.resolve(texts.map((t) => this.embedOne(t)));
  }
}

/** The folder of the model that ships with Escucha. */
export function defaultStaticModelDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../models/escucha-bilingual');
}

/** Serialises a quantized model; `training` facts go into the header. */
export function encodeStaticModel(
  w: StaticModelWeights & { table: Int8Array; scales: Float32Array }, header: { id?: string; locales?: string[]; training?: Record<string, unknown> } = {},
): Buffer {
  const rows = w.scales.length;
  if (w.table.length !== rows * w.dimensions) throw new Error('table size does not match rows × dimensions');
  if (w.sif.length !== 1 << w.weightBits) throw new Error('SIF table size does not match weightBits');
  const payload = Buffer.concat([
    Buffer.from(w.scales.buffer, w.scales.byteOffset, w.scales.byteLength),
    Buffer.from(w.sif.buffer, w.sif.byteOffset, w.sif.byteLength),
    Buffer.from(w.table.buffer, w.table.byteOffset, w.table.byteLength),
  ]);
  const full: StaticModelHeader = {
    id: header.id ?? STATIC_MODEL_ID, dimensions: w.dimensions, rows, weightBits: w.weightBits, features: w.features,
    locales: header.locales ?? ['es', 'en'], sha256: createHash('sha256').update(payload).digest('hex'),
    ...(header.training && { training: header.training }),
  };
  let json = Buffer.from(JSON.stringify(full), 'utf8');
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const head = Buffer.alloc(12);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(FORMAT, 4);
  head.writeUInt32LE(json.length, 8);
  return Buffer.concat([head, json, payload]);
}

/** Parses and checks a model file's bytes; throws one line that says what is wrong. */
export function decodeStaticModel(bytes: Buffer, where = 'model'): StaticModel {
  const fail = (why: string): never => { throw new Error(`${where} is not a usable ${STATIC_MODEL_ID} model: ${why}`); };
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== MAGIC) fail('wrong file type (no ESCB signature)');
  const format = bytes.readUInt32LE(4);
  if (format !== FORMAT) fail(`format ${format}, this version reads format ${FORMAT}`);
  const headerLength = bytes.readUInt32LE(8);
  if (12 + headerLength > bytes.length) fail('truncated header');
  let header: StaticModelHeader;
  try {
    header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as StaticModelHeader;
  } catch {
    return fail('unreadable header');
  }
  const { dimensions, rows, weightBits } = header;
  if (![dimensions, rows, weightBits].every((n) => Number.isInteger(n) && n > 0) || weightBits > 24 || !header.features) fail('inconsistent header');
  if (rows !== 1 << header.features.bucketBits) fail('row count does not match the bucket count');
  const start = 12 + headerLength;
  const expected = rows * 4 + (1 << weightBits) + rows * dimensions;
  if (bytes.length - start !== expected) fail(`payload is ${bytes.length - start} bytes, expected ${expected} (truncated or padded file)`);
  const payload = bytes.subarray(start);
  if (createHash('sha256').update(payload).digest('hex') !== header.sha256) fail('checksum mismatch (corrupt file)');
  // Copy into aligned buffers: a Buffer from readFileSync may sit at any offset of a shared pool.
  const aligned = new Uint8Array(expected);
  aligned.set(payload);
  const scales = new Float32Array(aligned.buffer, 0, rows);
  const sif = new Uint8Array(aligned.buffer, rows * 4, 1 << weightBits);
  const table = new Int8Array(aligned.buffer, rows * 4 + (1 << weightBits), rows * dimensions);
  return new StaticModel({ dimensions, features: header.features, sif, weightBits, table, scales },
    { id: header.id, locales: header.locales, revision: header.sha256.slice(0, 12) });
}

/** Reads just the header (for model cards and diagnostics), without checking the payload. */
export function readStaticModelHeader(dir = defaultStaticModelDir()): StaticModelHeader {
  const bytes = readFileSync(path.join(dir, STATIC_MODEL_FILE));
  return JSON.parse(bytes.toString('utf8', 12, 12 + bytes.readUInt32LE(8))) as StaticModelHeader;
}

/**
 * Loads the bilingual model from `dir` (default: the one shipped in models/escucha-bilingual). Throws an Error
 * whose message is one line naming the file and the problem, so the caller can fall back and say why.
 */
export async function loadStaticModel(dir: string = defaultStaticModelDir()): Promise<StaticModel> {
  const file = path.join(dir, STATIC_MODEL_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${STATIC_MODEL_ID} model file ${file} is missing (rebuild it with "npm run build:model")`
      : `${STATIC_MODEL_ID} model file ${file} cannot be read (${code ?? String(error)})`);
  }
  return decodeStaticModel(bytes, `${file}`);
}
