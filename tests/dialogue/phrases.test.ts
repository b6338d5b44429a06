import { afterEach, describe, expect, it } from 'vitest';
import { extendPhrases, matchPhrases, parsePhrase, resetPhrases, type PhraseMatch } from '../../src/dialogue/phrases.js';

type Flag = Exclude<keyof PhraseMatch, 'rest'>;

/** Messages and what they must yield: the fields given are asserted, others are free. */
const POSITIVE: [locale: string, text: string, expected: Partial<PhraseMatch>][] = [
  // identity
  ['es', '¿quién eres tú?', { smalltalk: 'identity', rest: '' }],
  ['es', 'con quién hablo?', { smalltalk: 'identity', rest: '' }],
  ['es', '¿eres un bot o una persona?', { smalltalk: 'identity', rest: '' }],
  ['es', 'y tú quién eres', { smalltalk: 'identity', rest: '' }],
  ['en', 'who are you?', { smalltalk: 'identity', rest: '' }],
  ['en', 'what are you?', { smalltalk: 'identity', rest: '' }],
  ['en', 'am I talking to a real person?', { smalltalk: 'identity', rest: '' }],
  ['en', 'are you a bot or a human', { smalltalk: 'identity', rest: '' }],
  // insults, aimed at the bot or the service, or the whole message
  ['es', 'eres mas tonto que una piedra', { smalltalk: 'insult', rest: '' }],
  ['es', 'eres un inútil', { smalltalk: 'insult', rest: '' }],
  ['es', 'no sirves para nada', { smalltalk: 'insult', rest: '' }],
  ['es', 'inútil!!', { smalltalk: 'insult', rest: '' }],
  ['es', 'menudo bot más tonto', { smalltalk: 'insult', rest: '' }],
  ['es', 'esto es un desastre, la app no abre desde ayer', { smalltalk: 'insult', rest: 'la app no abre desde ayer' }],
  ['en', "you're kinda dumb lol", { smalltalk: 'insult', rest: '' }],
  ['en', 'you are a useless bot', { smalltalk: 'insult', rest: '' }],
  ['en', 'this bot is useless, let me talk to a human', { smalltalk: 'insult', human: true, rest: '' }],
  ['en', 'useless', { smalltalk: 'insult', rest: '' }],
  ["en", "you're dumber than a rock", { smalltalk: 'insult', rest: '' }],
  // not helpful: forms that refer to an earlier attempt
  ['es', 'no me sirvió nada de eso', { notHelpful: true, rest: '' }],
  ['es', 'lo he probado todo y siguen sin llegar', { notHelpful: true, rest: '' }],
  ['es', 'ya he mirado en spam y he probado con el sms, sigue sin llegar', { notHelpful: true, rest: 'ya he mirado en spam y he probado con el sms' }],
  ['es', 'ya he reiniciado y he puesto el modo avion, no me sirvio', { notHelpful: true, rest: 'ya he reiniciado y he puesto el modo avion' }],
  ['es', 'ya pedí la esim nueva hace una hora y sigue sin servicio', { notHelpful: true, rest: 'ya pedí la esim nueva hace una hora y sin servicio' }],
  ['es', 'nada me ha funcionado', { notHelpful: true, rest: '' }],
  ['es', 'no ha cambiado nada', { notHelpful: true, rest: '' }],
  ['es', 'sigo sin poder llamar', { notHelpful: true, rest: 'llamar' }],
  ['es', 'ya lo he probado y nada', { notHelpful: true, rest: '' }],
  ['es', 'me sigue saliendo el mismo error', { notHelpful: true, rest: '' }],
  ['es', 'todavía no funciona', { notHelpful: true, rest: '' }],
  ['es', 'eso ya lo he hecho y sigue igual', { notHelpful: true, rest: '' }],
  ['en', 'still nothing, this is ridiculous', { notHelpful: true, smalltalk: 'insult', rest: '' }],
  ['en', "didn't help at all", { notHelpful: true, rest: '' }],
  ['en', "did all that, still can't send them. that didn't help", { notHelpful: true, rest: 'send them.' }],
  ['en', "data roaming is already on, that didn't help", { notHelpful: true, rest: 'data roaming is already on' }],
  ['en', "it's been over an hour and it still says that", { notHelpful: true, rest: "it's been over an hour and it says that" }],
  // Choice: "the app still crashes" complains that the problem persists; the verb stays in the rest to search for.
  ['en', 'the app still crashes', { notHelpful: true, rest: 'the app crashes' }],
  ['en', 'I still have no service', { notHelpful: true, rest: 'I have no service' }],
  ['en', 'I tried everything', { notHelpful: true, rest: '' }],
  ['en', 'nothing changed', { notHelpful: true, rest: '' }],
  ['en', 'same problem as before', { notHelpful: true, rest: '' }],
  ['en', 'none of that worked', { notHelpful: true, rest: '' }],
  // resolved, anywhere but in a question; alone it is also a yes
  ['es', 'era el filtro de desconocidos del iphone, ya me llegan. gracias!!', { smalltalk: 'thanks', resolved: true, rest: 'era el filtro de desconocidos del iphone' }],
  ['es', 'ya funciona, muchas gracias', { smalltalk: 'thanks', resolved: true, yes: true, rest: '' }],
  ['es', 'solucionado!', { resolved: true, yes: true, rest: '' }],
  ['es', 'ya está, gracias', { resolved: true, yes: true, rest: '' }],
  ['es', 'ya lo he arreglado', { resolved: true, rest: '' }],
  ['es', 'ahora sí funciona', { resolved: true, rest: '' }],
  ['es', 'no, ya funciona', { resolved: true, yes: true, rest: '' }],
  ['en', 'it works now, thanks!', { smalltalk: 'thanks', resolved: true, yes: true, rest: '' }],
  ['en', 'that fixed it', { resolved: true, yes: true, rest: '' }],
  ['en', 'all good now', { resolved: true, rest: '' }],
  ['en', 'problem solved, thank you', { resolved: true, smalltalk: 'thanks', rest: '' }],
  ['en', 'sorted, cheers', { resolved: true, rest: '' }],
  ['en', "they're coming through now", { resolved: true, rest: '' }],
];

/** Real questions and statements that must not raise these flags; their rest is the whole message unless noted. */
const NEGATIVE: [locale: string, text: string, absent: Flag[]][] = [
  ['es', 'mi eSIM no funciona', ['notHelpful', 'no', 'resolved']],
  ['es', 'no me llega el sms', ['notHelpful', 'no', 'resolved']],
  ['es', '¿quién es el titular de la línea?', ['smalltalk']],
  ['es', 'mi tarjeta es inútil', ['smalltalk']],
  ['es', '¿ya funciona el roaming en Suiza?', ['resolved', 'yes']],
  ['es', '¿cuándo estará solucionado?', ['resolved', 'yes']],
  ['es', '¿ya está disponible la factura de marzo?', ['resolved', 'yes']],
  ['es', 'las dos sims extra que pago ahora, ¿las sigo pagando?', ['notHelpful']],
  ['es', 'mi numero sigue en la otra compañia', ['notHelpful']],
  ['es', '¿sigo sin permanencia si cambio de plan?', ['notHelpful']],
  // Choice: a check on another phone is a new fact for the search, not feedback on the answer.
  ['es', 'he probado la sim en el movil de mi hermano y tampoco va', ['notHelpful']],
  ['es', 'ya no funciona el wifi', ['resolved', 'yes']],
  ['es', 'ya he pagado la factura, ¿cuándo se reactiva la línea?', ['notHelpful', 'resolved']],
  ['es', '¿qué es la portabilidad?', ['smalltalk']],
  ['es', '¿esto es un programa de puntos?', ['smalltalk']],
  ['es', 'no entiendo mi factura', ['notHelpful']],
  ['en', "my eSIM doesn't work", ['notHelpful', 'no']],
  ['en', 'my card is useless now', ['smalltalk']],
  ['en', 'will I still be able to get my old invoices?', ['notHelpful']],
  ['en', 'can I still cancel it if I change my mind?', ['notHelpful']],
  ['en', 'what are your opening hours?', ['smalltalk']],
  ['en', 'what are you charging me for?', ['smalltalk']],
  ['en', 'who is the account holder?', ['smalltalk']],
  ['en', 'is this a real charge?', ['smalltalk']],
  ['en', 'is it fixed now?', ['resolved', 'yes']],
  ['en', 'it stopped working again', ['resolved', 'yes']],
  ['en', 'nobody has fixed my coverage problem', ['resolved']],
  ['en', "I don't understand my bill", ['notHelpful']],
  // Choice: "nothing works" on its own describes an outage, not the last answer.
  ['en', 'is there an outage in madrid right now? nothing works', ['notHelpful']],
  ['en', "I tried too many times and now it says I'm blocked", ['notHelpful']],
  ['en', 'how are invoices sorted?', ['resolved']],
  ['en', 'the stupid router keeps rebooting', ['smalltalk']],
];

describe('matchPhrases: conversational phrase families', () => {
  it.each(POSITIVE)('%s: %s', (locale, text, expected) => {
    expect(matchPhrases(text, locale)).toMatchObject(expected);
  });

  it.each(NEGATIVE)('%s: %s (not %j)', (locale, text, absent) => {
    const match = matchPhrases(text, locale);
    for (const flag of absent) expect(match[flag], flag).toBeUndefined();
    expect(match.rest).toBe(text);
  });

  it('does not count a bare "no" as such when the customer says it works now', () => {
    expect(matchPhrases('no, ya funciona', 'es').no).toBeUndefined();
    expect(matchPhrases('no', 'es')).toEqual({ no: true, rest: '' });
  });

  it('keeps yes answers and the pending-question behaviour of the existing lists', () => {
    expect(matchPhrases('sí, gracias', 'es')).toMatchObject({ yes: true, rest: '' });
    expect(matchPhrases('yes', 'en')).toEqual({ yes: true, rest: '' });
    expect(matchPhrases('no funciona', 'es')).toMatchObject({ notHelpful: true, rest: '' });
    expect(matchPhrases('hola, ¿cómo activo el roaming?', 'es')).toEqual({ smalltalk: 'greeting', rest: '¿cómo activo el roaming?' });
  });
});

describe('phrase syntax', () => {
  afterEach(() => resetPhrases());

  it('parses a trailing [...] as words that must follow', () => {
    expect(parsePhrase('still [crashes|fails]').after).toBeDefined();
    expect(parsePhrase('hola').after).toBeUndefined();
    expect(() => parsePhrase('still [crashes')).toThrow(/\[\.\.\.\]/);
    expect(() => parsePhrase('[a] still')).toThrow();
    expect(() => parsePhrase('still [crashes?]')).toThrow(/empty/);
  });

  it('rejects a phrase that starts with * or can match nothing', () => {
    expect(() => extendPhrases('es', { resolved: ['* funciona'] })).not.toThrow();
    expect(() => matchPhrases('hola', 'es')).toThrow(/cannot start/);
    resetPhrases();
    expect(() => parsePhrase('.')).toThrow(/nothing/);
  });

  it('"." is a break in the text, "*" any one word, and [...] stays in the rest', () => {
    extendPhrases('en', { resolved: ['zorp done .'], smalltalk: { insult: ['blorp than a *'] }, notHelpful: ['again [broken|down]'] });
    expect(matchPhrases('zorp done, thanks', 'en')).toMatchObject({ resolved: true, rest: '' });
    expect(matchPhrases('zorp done yesterday', 'en').resolved).toBeUndefined();
    expect(matchPhrases('blorp than a rock', 'en')).toMatchObject({ smalltalk: 'insult', rest: '' });
    expect(matchPhrases('the line is again down', 'en')).toMatchObject({ notHelpful: true, rest: 'the line is down' });
    expect(matchPhrases('the line is again up', 'en').notHelpful).toBeUndefined();
  });

  it('takes an operator\'s resolved phrases and replies.insult', () => {
    extendPhrases('es', { resolved: ['ya rula'], replies: { insult: ['zoquete'] } });
    expect(matchPhrases('ya rula, gracias', 'es')).toMatchObject({ resolved: true, yes: true, rest: '' });
    expect(matchPhrases('zoquete', 'es')).toMatchObject({ smalltalk: 'insult', rest: '' });
    expect(matchPhrases('el zoquete de mi vecino', 'es').smalltalk).toBeUndefined();
  });
});
