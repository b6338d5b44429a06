import type { Article } from '../knowledge/index.js';
import { analyzerFor, normalizeWords } from './analyzer.js';

/** A model that puts a word near its translations: Escucha's bilingual model. */
export interface WordModel {
  readonly dimensions: number;
  embedOne(text: string): Float32Array;
}

export interface WordTranslatorOptions {
  /** A word is translated to the nearest article word at least this similar (else left out). */
  minSimilarity: number;
  /** The most frequent article words kept as candidates (memory: dimensions × 4 bytes each). */
  maxVocabulary: number;
}

/**
 * Chosen on tod-es's development questions against its topics written in English (`escucha eval retrieval
 * --knowledge data/eval/tod-es-en/knowledge --cases data/eval/tod-es-en/dev.jsonl`), top-1 with the bundled models:
 * no translation 67.6; floor 0.9: 67.9, 0.7: 69.2, 0.5: 71.1, 0.4: 71.8 (the nearest word only; the two nearest
 * 71.6, three 68.1; translations replacing the question's words instead of joining them 59.7 at 0.5).
 */
export const WORD_TRANSLATOR_DEFAULTS: WordTranslatorOptions = { minSimilarity: 0.4, maxVocabulary: 30_000 };

/**
 * Word-by-word translation of a question into the language of the articles, for a customer who writes in a
 * language no article is written in (a Spanish question on an English help center). Each word of the question
 * becomes the word of the articles that the bilingual model puts nearest ("contraseña" → "password", "mañana" →
 * "tomorrow"), so that the lexical index and the ranker's word classifier, which only match words, see the question
 * in the articles' words too. The candidates are the articles' own words, so a translation is always a word the
 * help center uses. The vocabulary is embedded by `prepare` (the index build calls it when questions in another
 * language can come), or else on the first question that needs it (about 0.03 ms a word).
 */
export class WordTranslator {
  private vocabulary?: { words: string[]; vectors: Float32Array };
  private readonly cache = new Map<string, string | undefined>();

  constructor(private readonly model: WordModel, private readonly articles: readonly Article[],
    private readonly options: WordTranslatorOptions = WORD_TRANSLATOR_DEFAULTS) {}

  /** Embeds the vocabulary now (about 1 s for 30,000 words) rather than on the first question that needs it. */
  prepare(): void {
    this.vocabulary ??= this.embedVocabulary();
  }

  /** The translations of the question's content words (stop words of `locale` left out), in order, without repeats. */
  translate(question: string, locale: string): string[] {
    const analyzer = analyzerFor(locale);
    const out = new Set<string>();
    for (const word of normalizeWords(question)) {
      if (analyzer.isStopWord(word) || /^\d+$/.test(word)) continue;
      const translation = this.nearest(word);
      if (translation) out.add(translation);
    }
    return [...out];
  }

  /** The article word nearest to `word`, if it is similar enough. */
  private nearest(word: string): string | undefined {
    if (this.cache.has(word)) return this.cache.get(word);
    const { words, vectors } = (this.vocabulary ??= this.embedVocabulary());
    const query = this.model.embedOne(word);
    const d = this.model.dimensions;
    let best = -1, bestScore = this.options.minSimilarity;
    for (let w = 0; w < words.length; w++) {
      let score = 0;
      for (let j = 0, base = w * d; j < d; j++) score += query[j]! * vectors[base + j]!;
      if (score >= bestScore) { best = w; bestScore = score; }
    }
    const found = best >= 0 ? words[best] : undefined;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(word, found);
    return found;
  }

  private embedVocabulary(): { words: string[]; vectors: Float32Array } {
    const counts = new Map<string, number>();
    for (const article of this.articles) {
      const analyzer = analyzerFor(article.locale);
      const texts = [article.title, ...article.questions, ...article.sections.flatMap((s) => [s.heading, s.text])];
      for (const word of texts.flatMap((t) => normalizeWords(t))) {
        if (word.length < 2 || /^\d+$/.test(word) || analyzer.isStopWord(word)) continue;
        counts.set(word, (counts.get(word) ?? 0) + 1);
      }
    }
    const words = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, this.options.maxVocabulary).map(([w]) => w);
    const d = this.model.dimensions;
    const vectors = new Float32Array(words.length * d);
    words.forEach((w, i) => vectors.set(this.model.embedOne(w), i * d));
    return { words, vectors };
  }
}
