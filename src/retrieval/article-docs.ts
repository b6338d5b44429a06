import type { Article } from '../knowledge/index.js';
import type { LexicalDoc } from './lexical.js';

/**
 * What the lexical index matches a whole article on: its title (twice as heavy), alternate questions and sections.
 * `questions` picks the alternate questions to index (cross-validation leaves some out).
 */
export function articleDoc(article: Article, questions: readonly string[] = article.questions): LexicalDoc {
  return {
    key: article.id,
    locale: article.locale,
    fields: [
      { text: article.title, weight: 2 },
      ...questions.map((q) => ({ text: q, weight: 1 })),
      ...article.sections.map((s) => ({ text: `${s.anchor ? s.heading : ''}\n${s.text}`, weight: 1 })),
    ],
  };
}
