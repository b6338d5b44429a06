import { createHash } from 'node:crypto';

/** Hex sha256: the identity of a file or a text, so unchanged content is never processed twice. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * FNV-1a over a range of UTF-16 code units, seeded so that texts of different kinds (a word, an n-gram) differ;
 * callers mix the result further so its low bits (a bucket) depend on every character.
 */
export function fnv1a(seed: number, text: string, from = 0, to = text.length): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = from; i < to; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}
