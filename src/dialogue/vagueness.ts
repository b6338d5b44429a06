import type { Article } from '../knowledge/index.js';
import { analyzerFor, type SearchHit } from '../retrieval/index.js';

/**
 * Questions this short can be a topic's name rather than a question ("password", "quiero cambiar la tarjeta"). On
 * eval/dialogues.jsonl, at most 2 content words: 83.8% turns right, 3: 84.1%, 4: 84.1% (none: 83.0%).
 */
const MAX_TERMS = 3;
/** A rival below this is not a reading of the question anyone would pick. */
const MIN_RIVAL = 0.02;
const MAX_OPTIONS = 3;

/**
 * The articles a short question cannot tell apart, when the ranker is sure of one: every word of the question that
 * the best article's title and alternate questions use, its rivals' use too ("password": change-password and
 * reset-forgotten-password alike). Undefined when the question says which it means.
 */
export function readingsOfVagueQuestion(query: string, locale: string, hits: readonly SearchHit[]): SearchHit[] | undefined {
  const [best, ...rest] = hits;
  if (!best) return undefined;
  const terms = [...new Set(analyzerFor(locale).terms(query))];
  if (!terms.length || terms.length > MAX_TERMS) return undefined;
  const bestLabels = labelTerms(best.article);
  const named = terms.filter((t) => bestLabels.has(t));
  if (!named.length) return undefined;
  const rivals = rest.filter((h) => h.confidence >= MIN_RIVAL && h.article.id !== best.article.id).filter((h) => {
    const labels = labelTerms(h.article);
    return named.every((t) => labels.has(t));
  });
  return rivals.length ? [best, ...rivals].slice(0, MAX_OPTIONS) : undefined;
}

const cache = new WeakMap<Article, Set<string>>();

/** The stemmed words of an article's title and alternate questions: what it says it is about. */
function labelTerms(article: Article): Set<string> {
  let terms = cache.get(article);
  if (!terms) {
    const analyzer = analyzerFor(article.locale);
    terms = new Set([article.title, ...article.questions].flatMap((t) => analyzer.terms(t)));
    cache.set(article, terms);
  }
  return terms;
}
