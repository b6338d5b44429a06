import { describe, expect, it } from 'vitest';
import { clusterGaps, type GapQuestion } from '../../src/outcomes/index.js';

const q = (text: string, locale = 'es', bestConfidence = 0.1, bestArticleId?: string): GapQuestion =>
  ({ text, locale, bestConfidence, ...(bestArticleId && { bestArticleId }) });
const OPTIONS = { similarity: 0.6, fairConfidence: 0.25 };

describe('content gaps', () => {
  it('groups phrasings of one question by their stemmed words, and keeps other questions apart', () => {
    const gaps = clusterGaps([
      q('¿Puedo pagar con Bizum?'),
      q('how do I pay my bill', 'en'),
      q('pagar la factura con bizum'),
      q('¿puedo pagar con bizum?'),
      q('¿cómo cambio el PIN de la SIM?', 'es', 0.3, 'pin-sim'),
      q('how do I port my number', 'en'),
      q('cambiar pin sim', 'es', 0.2, 'pin-sim'),
      q('pagos con bizum'),
    ], OPTIONS);
    expect(gaps.map((g) => [g.locale, g.count, g.examples])).toEqual([
      ['es', 4, ['¿Puedo pagar con Bizum?', 'pagar la factura con bizum', 'pagos con bizum']],
      ['es', 2, ['¿cómo cambio el PIN de la SIM?', 'cambiar pin sim']],
      ['en', 1, ['how do I pay my bill']],
      ['en', 1, ['how do I port my number']],
    ]);
  });

  it('suggests an alternate question for the article most fair matches named, else a new article', () => {
    const gaps = clusterGaps([
      q('cambiar pin sim', 'es', 0.3, 'pin-sim'),
      q('cambiar el pin de la sim', 'es', 0.28, 'puk-sim'),
      q('cambiar pin de mi sim', 'es', 0.4, 'pin-sim'),
      q('cambiar pin sim ya', 'es', 0.1, 'puk-sim'),
      q('roaming en marte', 'es', 0.2, 'roaming-ue'),
    ], OPTIONS);
    expect(gaps.map((g) => [g.count, g.bestConfidence, g.suggestion])).toEqual([
      [4, 0.4, { action: 'alternate_question', articleId: 'pin-sim' }],
      [1, 0.2, { action: 'new_article' }],
    ]);
  });

  it('is deterministic and ignores questions with no words', () => {
    const questions = [q('¿?'), q('factura duplicada'), q('me llegó la factura duplicada'), q('!!!')];
    expect(clusterGaps(questions, OPTIONS)).toEqual(clusterGaps(questions, OPTIONS));
    expect(clusterGaps(questions, OPTIONS)).toHaveLength(1);
  });
});
