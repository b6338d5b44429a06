import { describe, expect, it } from 'vitest';
import { parseSurveyAnswer, surveyOptions, type SurveyKind } from '../../src/dialogue/survey.js';

type Case = [text: string, kind: SurveyKind, locale: string, expected: ReturnType<typeof parseSurveyAnswer>];

const score = (n: number) => ({ score: n });

describe('reading a survey answer', () => {
  it.each<Case>([
    ['4', 'csat', 'es', score(4)],
    ['un 4', 'csat', 'es', score(4)],
    ['4/5', 'csat', 'es', score(4)],
    ['4 de 5', 'csat', 'es', score(4)],
    ['cuatro', 'csat', 'es', score(4)],
    ['Un cinco!', 'csat', 'es', score(5)],
    ['pues yo le daría un 3', 'csat', 'es', score(3)],
    ['4 estrellas', 'csat', 'es', score(4)],
    ['8/10', 'csat', 'es', score(4)],
    ['6 sobre 7', 'ces', 'es', score(6)],
    ['4', 'csat', 'en', score(4)],
    ['a 4', 'csat', 'en', score(4)],
    ['4 out of 5', 'csat', 'en', score(4)],
    ['four', 'csat', 'en', score(4)],
    ["I'd say 5", 'csat', 'en', score(5)],
    ['5 stars', 'csat', 'en', score(5)],
    ['10/10', 'csat', 'en', score(5)],
    ['7', 'ces', 'en', score(7)],
    ['seven', 'ces', 'en', score(7)],
  ])('numbers: %j (%s, %s)', (text, kind, locale, expected) => {
    expect(parseSurveyAnswer(text, kind, locale)).toEqual(expected);
  });

  it.each<Case>([
    ['muy bien', 'csat', 'es', score(5)],
    ['Muy bien!!', 'csat', 'es', score(5)],
    ['genial', 'csat', 'es', score(5)],
    ['bien', 'csat', 'es', score(4)],
    ['regular', 'csat', 'es', score(3)],
    ['no muy bien', 'csat', 'es', score(2)],
    ['mal', 'csat', 'es', score(2)],
    ['terrible', 'csat', 'es', score(1)],
    ['fatal', 'csat', 'es', score(1)],
    ['nada mal', 'csat', 'es', score(4)],
    ['muy fácil', 'ces', 'es', score(7)],
    ['fácil', 'ces', 'es', score(6)],
    ['regular', 'ces', 'es', score(4)],
    ['un poco difícil', 'ces', 'es', score(3)],
    ['muy difícil', 'ces', 'es', score(1)],
    ['great', 'csat', 'en', score(5)],
    ['good', 'csat', 'en', score(4)],
    ['not great', 'csat', 'en', score(2)],
    ['terrible', 'csat', 'en', score(1)],
    ['easy', 'ces', 'en', score(6)],
    ['very easy', 'ces', 'en', score(7)],
    ['very hard', 'ces', 'en', score(1)],
    ['somewhat difficult', 'ces', 'en', score(3)],
    // The customer's language first, then the other: a Spanish conversation may answer in English.
    ['great', 'csat', 'es', score(5)],
    ['genial', 'ces', 'en', score(7)],
  ])('words: %j (%s, %s)', (text, kind, locale, expected) => {
    expect(parseSurveyAnswer(text, kind, locale)).toEqual(expected);
  });

  it.each<Case>([
    ['⭐⭐⭐⭐', 'csat', 'es', score(4)],
    ['😡', 'csat', 'en', score(1)],
    ['😀', 'ces', 'es', score(7)],
    ['⭐⭐⭐⭐⭐⭐', 'csat', 'es', undefined],
  ])('emoji: %j (%s, %s)', (text, kind, locale, expected) => {
    expect(parseSurveyAnswer(text, kind, locale)).toEqual(expected);
  });

  it.each<Case>([
    ['6', 'csat', 'es', undefined],
    ['0', 'csat', 'es', undefined],
    ['8', 'ces', 'en', undefined],
    ['un 9', 'csat', 'es', undefined],
    ['6/5', 'csat', 'es', undefined],
    ['4,5', 'csat', 'es', undefined],
    ['3.5', 'csat', 'en', undefined],
  ])('out of range or not whole: %j (%s, %s)', (text, kind, locale, expected) => {
    expect(parseSurveyAnswer(text, kind, locale)).toEqual(expected);
  });

  it.each<Case>([
    ['saltar', 'csat', 'es', { skip: true }],
    ['no, gracias', 'csat', 'es', { skip: true }],
    ['prefiero no contestar', 'ces', 'es', { skip: true }],
    ['skip', 'csat', 'en', { skip: true }],
    ['no thanks', 'ces', 'en', { skip: true }],
    ['no, fue fatal', 'csat', 'es', score(1)],
  ])('skips: %j (%s, %s)', (text, kind, locale, expected) => {
    expect(parseSurveyAnswer(text, kind, locale)).toEqual(expected);
  });

  it('takes what follows a score as its comment, but not fillers', () => {
    expect(parseSurveyAnswer('4, pero tardó mucho', 'csat', 'es')).toEqual({ score: 4, comment: 'pero tardó mucho' });
    expect(parseSurveyAnswer('bien. La app va lenta', 'csat', 'es')).toEqual({ score: 4, comment: 'La app va lenta' });
    expect(parseSurveyAnswer('5 - super quick, thanks!', 'csat', 'en')).toEqual({ score: 5, comment: 'super quick, thanks!' });
    expect(parseSurveyAnswer('5, gracias', 'csat', 'es')).toEqual({ score: 5 });
    expect(parseSurveyAnswer('great, thank you', 'csat', 'en')).toEqual({ score: 5 });
  });

  it('reads free text as a comment only when one was asked for, and never a question', () => {
    expect(parseSurveyAnswer('el bot no entendía nada', 'csat', 'es')).toBeUndefined();
    expect(parseSurveyAnswer('el bot no entendía nada', 'csat', 'es', { comment: true })).toEqual({ comment: 'el bot no entendía nada' });
    expect(parseSurveyAnswer('faster replies please', 'ces', 'en', { comment: true })).toEqual({ comment: 'faster replies please' });
    expect(parseSurveyAnswer('¿cómo activo el roaming?', 'csat', 'es', { comment: true })).toBeUndefined();
    expect(parseSurveyAnswer('how do I activate roaming?', 'csat', 'en', { comment: true })).toBeUndefined();
    expect(parseSurveyAnswer('tengo 2 líneas', 'csat', 'es')).toBeUndefined();
    expect(parseSurveyAnswer('   ', 'csat', 'es', { comment: true })).toBeUndefined();
  });

  it('offers buttons whose values and labels read back as their score', () => {
    for (const [kind, locale] of [['csat', 'es'], ['csat', 'en'], ['ces', 'es'], ['ces', 'en']] as const) {
      const options = surveyOptions(kind, locale);
      expect(options).toHaveLength(kind === 'csat' ? 5 : 7);
      options.forEach((option, i) => {
        expect(parseSurveyAnswer(option.value, kind, locale)).toEqual(score(i + 1));
        expect(parseSurveyAnswer(option.label, kind, locale)).toEqual(score(i + 1));
      });
    }
    expect(surveyOptions('csat', 'es-MX').map((o) => o.label)).toEqual(['Muy mal', 'Mal', 'Regular', 'Bien', 'Muy bien']);
  });
});
