/**
 * The features of Escucha's static bilingual sentence model, shared by the trainer (scripts/model/) and the
 * loader (static-model.ts): both must turn a sentence into exactly the same hashed buckets and weights.
 *
 * A sentence is lowercased and accent-folded (ñ becomes n, as customers often type it), split into words, and
 * each word contributes its own bucket plus the buckets of its character 3-5-grams (with `<` and `>` marking the
 * word's edges); each pair of neighbouring words contributes a bigram bucket. Word weights follow SIF
 * (a / (a + p(word)), Arora et al. 2017): frequent words count for less.
 */

import { fnv1a } from '../util/hash.js';
import { foldWords } from '../util/text.js';

/** The same folding as the lexical analyzer: lowercase, no accents, letters and digits. */
export { foldWords };

/** FNV-1a over UTF-16 code units, seeded by a one-character type tag so words, n-grams and bigrams differ. */
export function hashString(tag: number, text: string, from = 0, to = text.length): number {
  let h = fnv1a(tag, text, from, to);
  // A final avalanche so the low bits (the bucket) depend on every character.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const TAG_WORD = 0x57;
const TAG_GRAM = 0x47;
const TAG_BIGRAM = 0x42;

export interface FeatureSettings {
  /** log2 of the number of buckets. */
  bucketBits: number;
  minGram: number;
  maxGram: number;
  /** Weight of a word's own bucket, of all its n-grams together, and of a bigram, relative to one another. */
  wordWeight: number;
  gramWeight: number;
  bigramWeight: number;
}

export const DEFAULT_FEATURES: FeatureSettings = { bucketBits: 17, minGram: 3, maxGram: 5, wordWeight: 1, gramWeight: 2, bigramWeight: 0.5 };

/** The bucket of a word in the SIF weight table (its own, smaller hash space). */
export function wordSlot(word: string, weightBits: number): number {
  return hashString(TAG_WORD, word) & ((1 << weightBits) - 1);
}

/**
 * Buckets and weights of one sentence, appended to `buckets` / `weights` (reused between calls to avoid
 * allocation); returns how many were written. `wordWeight(word)` gives the SIF weight of a word.
 */
export function sentenceFeatures(
  text: string, settings: FeatureSettings, wordWeight: (word: string) => number,
  buckets: number[], weights: number[],
): number {
  buckets.length = 0;
  weights.length = 0;
  const mask = (1 << settings.bucketBits) - 1;
  const words = foldWords(text);
  let previous: string | undefined;
  let previousWeight = 0;
  for (const word of words) {
    const w = wordWeight(word);
    buckets.push(hashString(TAG_WORD, word) & mask);
    weights.push(w * settings.wordWeight);
    const marked = `<${word}>`;
    const grams: number[] = [];
    if (marked.length > settings.minGram) {
      for (let n = settings.minGram; n <= settings.maxGram; n++) {
        for (let i = 0; i + n <= marked.length; i++) {
          if (n === marked.length) continue;
          grams.push(hashString(TAG_GRAM, marked, i, i + n) & mask);
        }
      }
    }
    if (grams.length > 0) {
      const share = (w * settings.gramWeight) / grams.length;
      for (const g of grams) { buckets.push(g); weights.push(share); }
    }
    if (previous !== undefined && settings.bigramWeight > 0) {
      buckets.push(hashString(TAG_BIGRAM, `${previous} ${word}`) & mask);
      weights.push(Math.sqrt(w * previousWeight) * settings.bigramWeight);
    }
    previous = word;
    previousWeight = w;
  }
  return buckets.length;
}

/** SIF weight from a word's relative frequency. */
export function sifWeight(probability: number, a: number): number {
  return a / (a + probability);
}
