import { describe, expect, it } from 'vitest';
import { DEFAULT_FRUSTRATED_THRESHOLD, scoreMessage, type ReasonKind } from '../../src/emotion/index.js';

const kinds = (text: string, locale: string, history: string[] = []) => scoreMessage(text, locale, history).reasons.map((r) => r.kind);
const score = (text: string, locale: string, history: string[] = []) => scoreMessage(text, locale, history).score;
const frustrated = (text: string, locale: string) => score(text, locale) >= DEFAULT_FRUSTRATED_THRESHOLD;

describe('scoreMessage: every kind of reason, in both languages', () => {
  const examples: [ReasonKind, string, string][] = [
    ['negativeWords', 'estoy muy enfadado con la factura', 'I am really angry about my bill'],
    ['insult', 'sois unos ladrones', 'you are all thieves'],
    ['profanity', 'joder, otra vez', 'wtf is this'],
    ['shouting', 'NO FUNCIONA NADA DE NADA', 'NOTHING WORKS AT ALL'],
    ['punctuation', '¿¿¿dónde está mi reembolso???', 'where is my refund???'],
    ['botComplaint', 'no me entiendes', "you don't understand me"],
    ['askedForPerson', 'quiero hablar con una persona', 'I want to speak to a real person'],
    ['threatToLeave', 'me doy de baja y me voy a otra compañía', "I'm switching to another carrier"],
    ['waiting', 'llevo una hora esperando', "this is the third time I ask"],
    ['emoji', 'sin datos 😡', 'no data 😡'],
    ['sarcasm', 'Genial, otra vez sin datos', 'Great, no data again'],
  ];
  for (const [kind, es, en] of examples) {
    it(`${kind}: "${es}" / "${en}"`, () => {
      expect(kinds(es, 'es')).toContain(kind);
      expect(kinds(en, 'en')).toContain(kind);
    });
  }

  it('repeatedQuestion: the same question asked again, reworded, in both languages', () => {
    expect(kinds('¿cuándo me llega la SIM nueva?', 'es', ['¿Cuándo llega la SIM nueva que pedí?'])).toContain('repeatedQuestion');
    expect(kinds('when is my new SIM arriving?', 'en', ['When will the new SIM I ordered arrive?'])).toContain('repeatedQuestion');
    // A follow-up about the same topic is not a repetition.
    expect(kinds('¿y cuánto cuesta el plan Plus?', 'es', ['¿Cómo cambio mi plan?'])).not.toContain('repeatedQuestion');
    expect(kinds('and how much is the Plus plan?', 'en', ['How do I change my plan?'])).not.toContain('repeatedQuestion');
  });

  it('names the matched words as the customer wrote them', () => {
    const { reasons } = scoreMessage('Hola, ¿puedo hablar con una persona?', 'es');
    expect(reasons).toContainEqual(expect.objectContaining({ kind: 'askedForPerson', match: 'hablar con una persona' }));
  });
});

describe('scoreMessage: calm messages', () => {
  const calm: [string, string][] = [
    ['hola, ¿cómo cambio mi plan?', 'es'], ['¿Dónde veo el PIN y el PUK de mi SIM?', 'es'],
    ['No me llegan los SMS del banco, ¿sabéis por qué?', 'es'], ['¡Muchas gracias! Ya me funciona 😊', 'es'],
    ['hi, how do I change my plan?', 'en'], ['Does the UNLIMITED MAX plan include EU roaming?', 'en'],
    ["I'm not getting the SMS codes from my bank, any idea why?", 'en'], ['Perfect, thanks 👍', 'en'],
  ];
  for (const [text, locale] of calm) {
    it(`"${text}" scores low`, () => expect(score(text, locale)).toBeLessThan(0.3));
  }

  it('a calm request for a person is reported but is not frustration on its own', () => {
    for (const [text, locale] of [['¿Puedo hablar con un agente, por favor? Es sobre mi factura', 'es'], ['Could I speak to an agent, please?', 'en']] as const) {
      const result = scoreMessage(text, locale);
      expect(result.reasons.map((r) => r.kind)).toContain('askedForPerson');
      expect(result.score).toBeLessThan(DEFAULT_FRUSTRATED_THRESHOLD);
    }
  });

  it('a question about leaving is not a threat to leave', () => {
    expect(score('¿Qué pasa con mi número si me doy de baja?', 'es')).toBeLessThan(0.3);
    expect(score('Si me doy de baja ahora, ¿tengo que pagar algo?', 'es')).toBeLessThan(0.3);
    expect(frustrated('Si no me lo arregláis hoy me doy de baja', 'es')).toBe(true);
  });

  it('capitals of product names and acronyms are not shouting', () => {
    expect(kinds('Mi SIM dice PIN bloqueado, ¿dónde está el PUK?', 'es')).not.toContain('shouting');
  });
});

describe('scoreMessage: negation and intensifiers', () => {
  it('a negated positive word is negative, in both languages', () => {
    expect(kinds('no estoy contento', 'es')).toContain('negativeWords');
    expect(kinds('I am not happy', 'en')).toContain('negativeWords');
    expect(kinds('no es que esté contento, la verdad', 'es')).toContain('negativeWords');
    expect(score('estoy contento', 'es')).toBe(0);
  });

  it('a negated negative word is not', () => {
    expect(score('no está mal el plan', 'es')).toBe(0);
    expect(score('no está nada mal', 'es')).toBe(0);
    expect(score("the plan's not bad", 'en')).toBe(0);
    expect(score('muy mal el plan', 'es')).toBeGreaterThan(0);
  });

  it('a negation does not reach across a clause', () => {
    expect(kinds('no funciona el wifi, pero estoy contento', 'es')).not.toContain('negativeWords');
  });

  it('intensifiers scale and softeners damp', () => {
    expect(score('no estoy nada contento', 'es')).toBeGreaterThan(score('no estoy contento', 'es'));
    expect(score('not happy at all', 'en')).toBeGreaterThan(score('not happy', 'en'));
    expect(score('muy mal', 'es')).toBeGreaterThan(score('mal', 'es'));
    expect(score('really really bad', 'en')).toBeGreaterThan(score('really bad', 'en'));
    expect(score('un poco molesto', 'es')).toBeLessThan(score('molesto', 'es'));
  });
});

describe('scoreMessage: how signs combine', () => {
  it('several mild signs add up, and a strong one is enough', () => {
    expect(score('otra vez sin datos!!', 'es')).toBeGreaterThan(score('otra vez sin datos', 'es'));
    expect(frustrated('eres un bot inútil', 'es')).toBe(true);
    expect(frustrated('agent. AGENT. I want an agent!!', 'en')).toBe(true);
  });

  it('thanks lower a mild score but do not undo an insult', () => {
    expect(score('Hola!! gracias', 'es')).toBeLessThan(score('Hola!!', 'es'));
    expect(frustrated('sois unos ladrones, gracias', 'es')).toBe(true);
  });

  it('one word belongs to one phrase: "hell yeah" is not profanity', () => {
    expect(kinds('hell yeah, it works', 'en')).not.toContain('profanity');
    expect(kinds('what the hell', 'en')).toContain('profanity');
  });

  it('reads censored profanity and emphasis, and is case and accent blind', () => {
    expect(kinds('this is f*cking ridiculous', 'en')).toContain('profanity');
    expect(kinds('NOOOO me entiendeees', 'es')).toContain('botComplaint');
    expect(kinds('estoy arto, q verguenza', 'es')).toContain('negativeWords');
  });

  it('scores stay within [0, 1] and empty text is calm', () => {
    expect(scoreMessage('', 'es')).toEqual({ score: 0, reasons: [], calming: [] });
    const angry = score('JODER!!! SOIS UNOS LADRONES INÚTILES, ME DOY DE BAJA YA 🤬🤬🤬', 'es');
    expect(angry).toBeGreaterThan(0.9);
    expect(angry).toBeLessThanOrEqual(1);
  });

  it('a language without a lexicon still reads emoji, capitals and punctuation', () => {
    expect(kinds('CELA NE MARCHE PAS DU TOUT!!! 😡', 'fr')).toEqual(expect.arrayContaining(['shouting', 'punctuation', 'emoji']));
  });
});
