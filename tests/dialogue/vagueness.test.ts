import { describe, expect, it } from 'vitest';
import { readingsOfVagueQuestion } from '../../src/dialogue/vagueness.js';
import type { Article } from '../../src/knowledge/index.js';
import type { SearchHit } from '../../src/retrieval/index.js';

const article = (id: string, locale: string, title: string, questions: string[] = []) => ({ id, locale, title, questions }) as unknown as Article;
const hit = (a: Article, confidence: number) => ({ article: a, section: {}, confidence, signals: { lexical: 0, coverage: 0 } }) as unknown as SearchHit;

const change = article('cambiar-contrasena', 'es', '¿Cómo cambio mi contraseña?', ['quiero poner otra contraseña']);
const reset = article('recuperar-contrasena', 'es', 'He olvidado mi contraseña, ¿cómo la recupero?', ['no recuerdo la contraseña']);
const invoice = article('entender-factura', 'es', 'Entender tu factura');
const ids = (hits: SearchHit[] | undefined) => hits?.map((h) => h.article.id);

describe('a question that names a topic several articles share', () => {
  it('offers the articles whose titles and questions use all its words', () => {
    const hits = [hit(change, 0.8), hit(reset, 0.15), hit(invoice, 0.03)];
    expect(ids(readingsOfVagueQuestion('contraseña', 'es', hits))).toEqual(['cambiar-contrasena', 'recuperar-contrasena']);
    expect(ids(readingsOfVagueQuestion('tengo un problema con la CONTRASEÑA', 'es', hits))).toEqual(['cambiar-contrasena', 'recuperar-contrasena']);
  });

  it('answers a question with a word only one of them uses, a long question, or one whose rival is far off', () => {
    expect(readingsOfVagueQuestion('he olvidado la contraseña', 'es', [hit(reset, 0.9), hit(change, 0.05)])).toBeUndefined();
    expect(readingsOfVagueQuestion('contraseña del wifi de casa para el router nuevo', 'es', [hit(change, 0.8), hit(reset, 0.15)])).toBeUndefined();
    expect(readingsOfVagueQuestion('contraseña', 'es', [hit(change, 0.99), hit(reset, 0.005)])).toBeUndefined();
    // Words the best article's labels do not use say nothing about which one: no options from them.
    expect(readingsOfVagueQuestion('hola buenas', 'es', [hit(change, 0.8), hit(reset, 0.15)])).toBeUndefined();
    expect(readingsOfVagueQuestion('contraseña', 'es', [])).toBeUndefined();
  });
});
