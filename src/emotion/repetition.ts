import { analyzerFor } from '../retrieval/analyzer.js';

/** Words the search analyzer keeps because they change a question's meaning, but that two questions share by chance. */
const COMMON_WORDS = new Set(['how', 'what', 'when', 'where', 'why', 'which', 'who', 'can', 'cannot', 'not', 'no', 'without',
  'more', 'less', 'como', 'cuando', 'donde', 'cuanto', 'cuanta', 'cuantos', 'cuantas', 'que', 'por', 'porque', 'sin', 'mas',
  'menos', 'nada']);

/**
 * The earlier messages that ask again what this one asks: they share at least two content words (stemmed, without
 * stop words), and at least `minSimilarity` of the shorter message's. "¿Cuándo llega la SIM nueva?" after "¿sabéis
 * cuándo me llega la SIM nueva que pedí?" shares all of them; "¿y cuánto cuesta el plan Plus?" after "¿cómo cambio
 * mi plan?" only "plan".
 */
export function similarEarlier(text: string, history: readonly string[], locale: string, minSimilarity: number): string[] {
  const analyzer = analyzerFor(locale);
  const termsOf = (message: string) =>
    new Set(analyzer.words(message).filter((w) => !analyzer.isStopWord(w) && !COMMON_WORDS.has(w)).map((w) => analyzer.stem(w)));
  const terms = termsOf(text);
  if (terms.size < 2) return [];
  return history.filter((earlier) => {
    const other = termsOf(earlier);
    let shared = 0;
    for (const term of terms) if (other.has(term)) shared++;
    return shared >= 2 && shared / Math.min(terms.size, other.size) >= minSimilarity;
  });
}
