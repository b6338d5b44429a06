import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LexiconError, loadLexicon, parseLexicon, scoreMessage } from '../../src/emotion/index.js';
import { analyze, compilePattern, findAll } from '../../src/emotion/text.js';
import { tempTree } from '../helpers.js';

const matches = (pattern: string, text: string) => findAll(compilePattern(pattern), analyze(text)).map((s) => s.match);

describe('lexicon phrases', () => {
  it('match whole words, case, accent and emphasis blind', () => {
    expect(matches('hablar con (un|una)? (persona|agente)', 'Quiero HABLAR con una persona')).toEqual(['HABLAR con una persona']);
    expect(matches('dare', 'me daré de baja')).toEqual(['daré']);
    expect(matches('no', 'noooo, nosotros no')).toEqual(['noooo', 'no']);
    expect(matches('llevo', 'levo una hora')).toEqual([]);
    expect(matches("i'm done", "I'm done, im done")).toEqual(["I'm done", 'im done']);
  });

  it('support endings, prefixes, any word and numbers', () => {
    expect(matches('molest(o|a|os|as)', 'molesta, molestos, molestar')).toEqual(['molesta', 'molestos']);
    expect(matches('ladron(es)?', 'ladron y ladrones')).toEqual(['ladron', 'ladrones']);
    expect(matches('enfadad*', 'enfadadísima')).toEqual(['enfadadísima']);
    expect(matches('llevo # horas', 'llevo 3 horas')).toEqual(['llevo 3 horas']);
    expect(matches('hablar con * persona', 'hablar con alguna persona')).toEqual(['hablar con alguna persona']);
    expect(matches('# time', 'for the 5th time')).toEqual(['5th time']);
  });

  it('never reach across a sentence', () => {
    expect(matches('damn you', 'Damn. You could have told me')).toEqual([]);
  });

  it('reject what cannot be a phrase', () => {
    expect(() => compilePattern('(hola|adios')).toThrow(/missing "\)"/);
    expect(() => compilePattern('hola?')).toThrow(/can match nothing/);
    expect(() => compilePattern('hola, que tal')).toThrow(/not a word/);
    expect(() => compilePattern('? hola')).toThrow(/must follow/);
  });
});

describe('loadLexicon', () => {
  it('loads the built-in lexicon of a locale and of its variants', () => {
    expect(loadLexicon('es').sources).toEqual(['lexicon/es.json']);
    expect(loadLexicon('es-MX')).toBe(loadLexicon('es'));
    expect(loadLexicon('en').words.size).toBeGreaterThan(100);
  });

  it("merges an operator's file: new phrases, changed and removed weights, emoji", () => {
    const dir = tempTree({
      'lexicon.json': JSON.stringify({
        _about: 'our own words',
        insults: { 'menuda patata': 0.7 },
        negativeWords: { mal: 0 },
        emoji: { '🙏': 0.3 },
        acronyms: ['NUBOMAX'],
      }),
    });
    const lexicon = loadLexicon('es', path.join(dir, 'lexicon.json'));
    expect(lexicon.sources).toEqual(['lexicon/es.json', path.join(dir, 'lexicon.json')]);
    expect(scoreMessage('menuda patata de app', 'es', [], { lexicon }).reasons).toContainEqual(expect.objectContaining({ kind: 'insult', match: 'menuda patata' }));
    expect(scoreMessage('menuda patata de app', 'es').reasons.map((r) => r.kind)).not.toContain('insult');
    expect(scoreMessage('la factura está mal', 'es', [], { lexicon }).score).toBe(0);
    expect(scoreMessage('la factura está mal', 'es').score).toBeGreaterThan(0);
    expect(scoreMessage('ayuda 🙏', 'es', [], { lexicon }).reasons.map((r) => r.kind)).toEqual(['emoji']);
    expect(scoreMessage('el plan NUBOMAX', 'es', [], { lexicon }).reasons).toEqual([]);
    // The built-in lexicon is left as it was.
    expect(scoreMessage('ayuda 🙏', 'es').reasons).toEqual([]);
  });

  it('a wrong file says which file and which key', () => {
    const dir = tempTree({
      'weights.json': JSON.stringify({ negativeWords: { harto: 2 }, threats: { '(me voy': 0.5 }, insultos: {} }),
      'broken.json': '{ "insults": ',
      'emoji.json': JSON.stringify({ emoji: { angry: 0.5 } }),
    });
    const file = path.join(dir, 'weights.json');
    let message = '';
    try { loadLexicon('es', file); } catch (error) { expect(error).toBeInstanceOf(LexiconError); message = (error as Error).message; }
    expect(message).toContain(`${file}: negativeWords.harto: a weight between 0 and 1`);
    expect(message).toContain(`${file}: threats["(me voy"]: "(me voy": missing ")"`);
    expect(message).toContain(`${file}: insultos: unknown key`);
    expect(() => loadLexicon('es', path.join(dir, 'broken.json'))).toThrow(/broken\.json: not valid JSON/);
    expect(() => loadLexicon('es', path.join(dir, 'emoji.json'))).toThrow(/emoji\.json: emoji\.angry: an emoji, or an emoticon/);
    expect(() => loadLexicon('es', path.join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read the lexicon file/);
  });

  it('validates data given in code too', () => {
    expect(() => parseLexicon({ waiting: ['llevo una hora'] }, 'bot.config.ts')).toThrow(/bot\.config\.ts: waiting: an object of "phrase": number/);
    expect(parseLexicon({ waiting: { 'llevo una hora': 0.5 } }, 'x')).toEqual({ waiting: { 'llevo una hora': 0.5 } });
  });
});
