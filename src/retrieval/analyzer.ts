import { createRequire } from 'node:module';
import { foldWords } from '../util/text.js';

const require = createRequire(import.meta.url);
// nlp.js's stemmers and stop-word lists: maintained Snowball-style stemmers for both languages in one package each.
const { StemmerEs, StopwordsEs } = require('@nlpjs/lang-es') as NlpLang<'Es'>;
const { StemmerEn, StopwordsEn } = require('@nlpjs/lang-en') as NlpLang<'En'>;
type NlpLang<S extends string> = Record<`Stemmer${S}`, new () => { stemWord(word: string): string }>
  & Record<`Stopwords${S}`, new () => { dictionary: Record<string, boolean> }>;

/** Words that look like stop words but change what a support question means. */
const MEANINGFUL = new Set(['no', 'not', 'sin', 'without', 'como', 'how', 'cuando', 'when', 'donde', 'where', 'cuanto', 'cuanta',
  'cuantos', 'cuantas', 'what', 'que', 'why', 'por', 'porque', 'can', 'cannot', 'can\'t', 'more', 'mas', 'menos', 'less']);

/** Possessives and fillers the nlp.js lists miss. */
const EXTRA_STOPWORDS: Record<string, string[]> = { es: ['mis', 'tus', 'hola', 'favor'], en: ['hi', 'hello', 'please'] };

export interface Analyzer {
  locale: string;
  /** Lowercased, accent-folded words, before stop words and stemming: the form typos are matched on. */
  words(text: string): string[];
  /** Content terms: words without stop words, stemmed (the index keeps stop words, at a low query weight). */
  terms(text: string): string[];
  stem(word: string): string;
  isStopWord(word: string): boolean;
}

/** Lowercase, strip accents, keep letters and digits (util/text's foldWords). */
export const normalizeWords = foldWords;

function makeAnalyzer(locale: string, stemmer: { stemWord(w: string): string }, stopwords: Iterable<string>): Analyzer {
  const stops = new Set([...stopwords, ...(EXTRA_STOPWORDS[locale] ?? [])].map((w) => normalizeWords(w)[0] ?? '').filter((w) => w && !MEANINGFUL.has(w)));
  const cache = new Map<string, string>();
  const stem = (word: string): string => {
    let stemmed = cache.get(word);
    if (stemmed === undefined) {
      stemmed = /^\d+$/.test(word) || word.length < 3 ? word : stemmer.stemWord(word) || word;
      if (cache.size > 50_000) cache.clear();
      cache.set(word, stemmed);
    }
    return stemmed;
  };
  return {
    locale,
    words: normalizeWords,
    isStopWord: (word) => stops.has(word),
    stem,
    terms: (text) => normalizeWords(text).filter((w) => !stops.has(w)).map(stem),
  };
}

const analyzers = new Map<string, Analyzer>();

/** The analyzer for a locale; languages without their own fall back to a light one (no stemming). */
export function analyzerFor(locale: string): Analyzer {
  const base = locale.slice(0, 2);
  let analyzer = analyzers.get(base);
  if (!analyzer) {
    analyzer = base === 'es' ? makeAnalyzer('es', new StemmerEs(), Object.keys(new StopwordsEs().dictionary))
      : base === 'en' ? makeAnalyzer('en', new StemmerEn(), Object.keys(new StopwordsEn().dictionary))
        : makeAnalyzer(base, { stemWord: (w) => w }, []);
    analyzers.set(base, analyzer);
  }
  return analyzer;
}
