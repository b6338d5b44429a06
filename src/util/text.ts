/**
 * A text's words, lowercased and accent-stripped (ñ becomes n too: customers often type "contrasena"), letters and
 * digits only: how the lexical index and the bilingual model both read text.
 */
export function foldWords(text: string): string[] {
  return text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** Removes diacritics but keeps ñ apart from n, since Spanish readers see them as different letters. */
export function foldAccents(text: string): string {
  return text
    .replace(/ñ/g, '\u0000').replace(/Ñ/g, '\u0001')
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/\u0000/g, 'ñ').replace(/\u0001/g, 'Ñ');
}

/** A URL- and id-safe slug: lowercase, accents folded, runs of anything else turned into one dash. */
export function slugify(text: string): string {
  return foldAccents(text.toLowerCase())
    .replace(/ñ/g, 'n')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Case-, accent- and spacing-insensitive form used to compare phrasings written by different people. */
export function comparableText(text: string): string {
  return foldAccents(text.toLowerCase())
    .replace(/[¿?¡!.,;:"'«»()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `1 article`, `2 articles`: English plurals for operator messages. */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
