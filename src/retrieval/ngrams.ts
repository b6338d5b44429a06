import { fnv1a } from '../util/hash.js';
import { normalizeWords } from './analyzer.js';

/** A sparse vector: feature ids in increasing order, with their values. */
export interface SparseVector { ids: Int32Array; values: Float32Array }

export interface NgramOptions {
  minGram: number;
  maxGram: number;
  /** Word features (words and word pairs) against character n-grams: each block is normalised to its share of the norm. */
  wordShare: number;
  /** Count neighbouring word pairs. */
  pairs: boolean;
}

export const NGRAM_DEFAULTS: NgramOptions = { minGram: 3, maxGram: 5, wordShare: 0.5, pairs: true };

/** FNV-1a seeded per kind, so a word and an n-gram of the same letters differ, and mixed. */
function hashRange(seed: number, text: string, from: number, to: number): number {
  let h = fnv1a(seed, text, from, to);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}

const WORD = 1, PAIR = 0x5bd1e995, GRAM = 3;

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/**
 * The hashed terms of a text, as counts: accent- and case-folded words, neighbouring word pairs, and the character
 * 2-5-grams of each word with its edges marked (`<casa>`), which match across inflections ("cancelar",
 * "cancela"), typos and cognates ("alarma", "alarm") where whole words cannot.
 */
export function textTerms(text: string, options: NgramOptions = NGRAM_DEFAULTS): { words: Map<number, number>; grams: Map<number, number> } {
  const words = new Map<number, number>();
  const grams = new Map<number, number>();
  const add = (map: Map<number, number>, key: number) => map.set(key, (map.get(key) ?? 0) + 1);
  let previous = 0;
  normalizeWords(text).forEach((token, i) => {
    const word = hashRange(WORD, token, 0, token.length);
    add(words, word);
    if (i > 0 && options.pairs) add(words, mix(Math.imul(previous, 31) ^ word ^ PAIR));
    previous = word;
    const marked = `<${token}>`;
    for (let n = options.minGram; n <= Math.min(options.maxGram, marked.length - 1); n++) {
      for (let start = 0; start + n <= marked.length; start++) add(grams, hashRange(GRAM, marked, start, start + n));
    }
  });
  return { words, grams };
}

/**
 * TF-IDF over the hashed terms of a training corpus (sublinear term frequency, smoothed idf), with the word and
 * n-gram blocks normalised apart so that long words' many n-grams do not drown the words. Terms the corpus never
 * had are dropped (no model weight could read them) but still count in the norm, as the rarest terms: a query
 * made mostly of unknown words is a weak match, not a strong one on the few n-grams it happens to share.
 */
export class TfIdf {
  private readonly ids = new Map<number, number>();
  private idf = new Float32Array(0);
  /** The idf of a term no training text had: the highest. */
  private unseenIdf = 1;

  constructor(private readonly options: NgramOptions = NGRAM_DEFAULTS) {}

  get size(): number { return this.ids.size; }

  /** Learns the vocabulary and idf from `texts`, and returns their vectors. */
  fit(texts: readonly string[]): SparseVector[] {
    const counted = texts.map((t) => textTerms(t, this.options));
    const df: number[] = [];
    for (const { words, grams } of counted) {
      for (const map of [words, grams]) {
        for (const key of map.keys()) {
          let id = this.ids.get(key);
          if (id === undefined) { id = this.ids.size; this.ids.set(key, id); df.push(0); }
          df[id]!++;
        }
      }
    }
    this.idf = Float32Array.from(df, (d) => Math.log((1 + texts.length) / (1 + d)) + 1);
    this.unseenIdf = Math.log(1 + texts.length) + 1;
    return counted.map((terms) => this.vectorOf(terms));
  }

  transform(text: string): SparseVector {
    return this.vectorOf(textTerms(text, this.options));
  }

  private vectorOf({ words, grams }: ReturnType<typeof textTerms>): SparseVector {
    const ids: number[] = [];
    const values: number[] = [];
    for (const [map, share] of [[words, this.options.wordShare], [grams, 1 - this.options.wordShare]] as const) {
      const from = ids.length;
      let norm = 0;
      for (const [key, count] of map) {
        const id = this.ids.get(key);
        const value = (1 + Math.log(count)) * (id === undefined ? this.unseenIdf : this.idf[id]!);
        norm += value * value;
        if (id === undefined) continue;
        ids.push(id);
        values.push(value);
      }
      const scale = norm ? Math.sqrt(share / norm) : 0;
      for (let i = from; i < values.length; i++) values[i]! *= scale;
    }
    return sparseOf(ids, values);
  }
}

/** Sorted by id, with the values of a repeated id (two hashes given one id) added up. */
function sparseOf(ids: number[], values: number[]): SparseVector {
  const order = Int32Array.from(ids.keys()).sort((a, b) => ids[a]! - ids[b]!);
  const outIds = new Int32Array(ids.length);
  const outValues = new Float32Array(ids.length);
  let n = 0;
  for (const i of order) {
    if (n && outIds[n - 1] === ids[i]) outValues[n - 1]! += values[i]!;
    else { outIds[n] = ids[i]!; outValues[n] = values[i]!; n++; }
  }
  return { ids: outIds.subarray(0, n), values: outValues.subarray(0, n) };
}
