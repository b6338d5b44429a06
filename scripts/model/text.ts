/** Cleaning, sentence splitting and filtering of parallel text. */
import { foldWords } from '../../src/retrieval/static-model-features.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', hellip: '…', mdash: '—', ndash: '–', laquo: '«', raquo: '»', copy: '©', reg: '®', trade: '™', iexcl: '¡', iquest: '¿' };

/** Markup to plain text: tags removed, entities decoded, spaces collapsed. Unknown named entities become their name. */
export function stripMarkup(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&([a-zA-Z][\w.-]*);/g, (_, name: string) => ENTITIES[name] ?? name.replace(/-/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** Sentences of a paragraph: split after . ! ? followed by a space and an upper-case letter or opening mark. */
export function splitSentences(text: string): string[] {
  return text.split(/(?<=[.!?:])\s+(?=[¿¡"“(]?[A-ZÁÉÍÓÚÑÜ])/u).map((s) => s.trim()).filter(Boolean);
}

/** UI accelerators and mnemonics: `_Open`, `&Open`, `~Open`. */
export function stripAccelerators(text: string): string {
  return text.replace(/(^|[^\w])[_&~](?=\p{L})/gu, '$1').replace(/\(_\p{L}\)|\(&\p{L}\)/gu, '');
}

const CODE = /%[-+ #0-9.*]*(?:l{0,2}|h{0,2}|z|j|t)[sdiuxXfFgGeEcpon]|%\(\w+\)|\{\d*\}|\{\{|\$\{|\$\w|\\[ntr]|<[a-z/!]|\[\[|https?:|www\.|\w+\.\w+\(|[=<>]{2}|\w+_\w+|[{}|\\@#]|\/\w+\//;

export interface PairFilter { minWords: number; maxWords: number }

/** Keeps natural-language pairs: no format strings or code, sensible lengths, actually translated. */
export function usablePair(en: string, es: string, filter: PairFilter): boolean {
  if (CODE.test(en) || CODE.test(es)) return false;
  const enWords = foldWords(en);
  const esWords = foldWords(es);
  if (enWords.length < filter.minWords || enWords.length > filter.maxWords) return false;
  if (esWords.length < Math.max(1, filter.minWords - 1) || esWords.length > filter.maxWords * 1.5) return false;
  if (enWords.join(' ') === esWords.join(' ')) return false; // untranslated
  const ratio = es.length / en.length;
  if (ratio < 0.5 || ratio > 2.5) return false;
  // Mostly letters: not tables of numbers or symbols.
  const letters = (en.match(/\p{L}/gu) ?? []).length;
  if (letters < en.length * 0.6) return false;
  return true;
}
