import { beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge, type Article } from '../../src/knowledge/index.js';
import { loadStaticModel, type StaticModel } from '../../src/retrieval/static-model.js';
import { WordTranslator } from '../../src/retrieval/word-translator.js';
import { LOCALES, tempTree } from '../helpers.js';

// Escucha's bilingual model, shipped in models/escucha-bilingual, translating word by word into an English help center.

describe('word-by-word translation into the articles\' words', () => {
  let model: StaticModel;
  let articles: Article[];
  beforeAll(async () => {
    model = await loadStaticModel();
    const kb = await loadKnowledge({
      dir: tempTree({
        'en/password.md': '---\nid: change-password\nlocale: en\ntitle: Change your password\nquestions: [I forgot my password]\n---\nOpen your profile, then Security.\n',
        'en/alarm.md': '---\nid: alarm\nlocale: en\ntitle: Set an alarm for tomorrow\nquestions: [wake me up at seven, cancel the alarm]\n---\nAlarms ring at the time you set.\n',
        'en/weather.md': '---\nid: weather\nlocale: en\ntitle: Weather\nquestions: [will it snow, what is the temperature]\n---\nThe forecast for your city.\n',
      }),
      locales: LOCALES, maxFileBytes: 1e6,
    });
    articles = kb.published;
  });

  it('turns each content word into the nearest word the articles use', () => {
    const translator = new WordTranslator(model, articles);
    expect(translator.translate('Cancela la alarma de mañana', 'es')).toEqual(['cancel', 'alarm', 'tomorrow']);
    expect(translator.translate('¿Va a nevar? ¿Qué temperatura hace?', 'es')).toEqual(expect.arrayContaining(['temperature']));
    expect(translator.translate('cambiar la CONTRASEÑA', 'es')).toEqual(expect.arrayContaining(['password']));
  });

  it('leaves out stop words, numbers and words with no close match', () => {
    const translator = new WordTranslator(model, articles, { minSimilarity: 0.95, maxVocabulary: 1000 });
    expect(translator.translate('de la 7 que', 'es')).toEqual([]);
    expect(translator.translate('alarma', 'es')).toEqual(['alarm']);
    // Nothing in the articles is near a paella at that floor.
    expect(translator.translate('paella', 'es')).toEqual([]);
  });

  it('only ever answers with words of the articles', () => {
    const translator = new WordTranslator(model, articles, { minSimilarity: 0, maxVocabulary: 1000 });
    const vocabulary = new Set(articles.flatMap((a) => [a.title, ...a.questions, ...a.sections.map((s) => s.text)])
      .join(' ').toLowerCase().split(/[^a-z]+/));
    for (const word of translator.translate('quiero una pizza con queso y un billete de tren a Sevilla', 'es')) expect(vocabulary.has(word)).toBe(true);
  });
});
