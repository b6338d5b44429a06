import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { Retriever } from '../../src/retrieval/index.js';
import { DialogueEngine, type EngineOptions } from '../../src/dialogue/engine.js';
import { MemoryConversationStore } from '../../src/dialogue/state.js';
import type { EngineEvent } from '../../src/dialogue/types.js';
import { openStore } from '../../src/store/index.js';
import { LOCALES, tempTree } from '../helpers.js';

const article = (fm: Record<string, unknown>, body: string) =>
  `---\n${Object.entries(fm).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n')}\n---\n${body}\n`;

const FILES = {
  'es/roaming.md': article({ id: 'roaming-ue', title: 'Roaming en la Unión Europea', topic: 'roaming', questions: ['¿puedo usar datos en Francia?', 'activar roaming'], related: ['roaming-fuera-ue'] },
    'En la UE usas tu tarifa como en casa, sin coste extra.\n\n## Cómo activarlo\n\nEntra en **Mi Nubo › Roaming** y activa el interruptor.\n\n## ¿Cuánto tarda?\n\nLa activación tarda unos cinco minutos.'),
  'es/roaming-fuera.md': article({ id: 'roaming-fuera-ue', title: 'Roaming fuera de la UE', questions: ['datos en Estados Unidos', 'roaming en México'] },
    'Fuera de la UE se cobran bonos por días.'),
  'es/contrasena.md': article({ id: 'cambiar-contrasena', title: 'Cambiar la contraseña', topic: 'password', questions: ['quiero una clave nueva', 'olvidé mi contraseña'] },
    'Puedes cambiarla cuando quieras desde **Perfil › Seguridad**.'),
  'es/pin.md': article({ id: 'pin-sim', title: 'Cambiar el PIN de la SIM', questions: ['cambiar pin', 'no me acepta el código de la sim'] }, 'El PIN se cambia en los ajustes del móvil.'),
  'es/puk.md': article({ id: 'puk-sim', title: 'Desbloquear la SIM con el PUK', questions: ['sim bloqueada', 'no me acepta el código de la sim'] }, 'El PUK está en la tarjeta de plástico de la SIM.'),
  'es/baja.md': article({ id: 'baja', title: 'Darse de baja', escalate: true, questions: ['cancelar mi contrato', 'quiero darme de baja'] }, 'Un agente gestiona las bajas.'),
  'es/esim.md': article({ id: 'activar-esim', title: 'Activar una eSIM', questions: ['pasar de sim física a esim'] },
    'La eSIM es una SIM digital.\n\n## Desde la app\n\n1. Toca **Mi plan › SIMs › Activar eSIM**.\n2. Acepta el aviso.\n\n## ¿Cuánto tarda?\n\nLa eSIM se activa en unos quince minutos.'),
  'en/password.md': article({ id: 'change-password', locale: 'en', title: 'Change your password', topic: 'password', questions: ['I forgot my password', 'new password'] },
    'You can change it any time from **Profile › Security**.'),
  'en/roaming.md': article({ id: 'eu-roaming', locale: 'en', title: 'Roaming in the European Union', topic: 'roaming', questions: ['can I use data in France?'] },
    'In the EU you use your plan as at home.'),
};

async function engine(overrides: Partial<EngineOptions> = {}, files: Record<string, string> = FILES) {
  const kb = await loadKnowledge({ dir: tempTree(files), locales: LOCALES, maxFileBytes: 1e6 });
  const events: EngineEvent[] = [];
  const options: EngineOptions = {
    search: new Retriever(kb), store: new MemoryConversationStore(), locales: { default: 'es', supported: ['es', 'en'] },
    thresholds: { answer: 0.45, clarify: 0.25, margin: 0.03 }, company: 'Nubo', maxReplyChars: 700, inactivityMinutes: 30,
    emotion: { handoffLevel: 0.6, mildLevel: 0.3, trend: { threshold: 0.6 } }, handoff: { afterFailures: 3, expectedWaitMinutes: 15 },
    onEvent: (e) => events.push(e), ...overrides,
  };
  const bot = new DialogueEngine(options);
  const say = (text: string, conversationId = 'c1') => bot.handle({ conversationId, text, channel: 'test', customerId: `customer-${conversationId}` });
  return { bot, say, events, options };
}

describe('dialogue engine', () => {
  it('answers with the section that answers, a citation, related articles, and asks whether it helped', async () => {
    const { say } = await engine();
    const turn = await say('¿cómo activo el roaming?');
    expect(turn.decision).toBe('answer');
    expect(turn.articles.map((a) => a.id)).toEqual(['roaming-ue']);
    expect(turn.replies[0]!.text).toBe('Entra en **Mi Nubo › Roaming** y activa el interruptor.');
    expect(turn.replies[0]!.citation).toEqual({ title: 'Roaming en la Unión Europea', url: '/help/roaming-ue#como-activarlo' });
    expect(turn.replies[0]!.related).toEqual([{ title: 'Roaming fuera de la UE', url: '/help/roaming-fuera-ue' }]);
    expect(turn.replies[1]).toEqual({ text: '¿Te sirvió?', options: [{ label: 'Sí', value: 'Sí' }, { label: 'No', value: 'No' }] });
  });

  it('reads a short follow-up with the topic and moves on to the section that answers it', async () => {
    const { say } = await engine();
    await say('quiero activar el roaming');
    const followUp = await say('¿y cuánto tarda?');
    expect(followUp.decision).toBe('answer');
    expect(followUp.articles[0]).toMatchObject({ id: 'roaming-ue', section: 'cuanto-tarda' });
    expect(followUp.replies[0]!.text).toBe('La activación tarda unos cinco minutos.');
  });

  it('starts afresh when a message clearly opens another topic', async () => {
    const { say } = await engine();
    await say('quiero activar el roaming');
    const other = await say('olvidé mi contraseña');
    expect(other.articles.map((a) => a.id)).toEqual(['cambiar-contrasena']);
  });

  it('asks when candidates are close, and takes the pick by number or by words', async () => {
    const { say } = await engine();
    const ask = await say('no me acepta el código de la sim');
    expect(ask.decision).toBe('clarify');
    expect(ask.replies[0]!.options!.map((o) => o.label).sort()).toEqual(['Cambiar el PIN de la SIM', 'Desbloquear la SIM con el PUK']);
    const titles = ask.replies[0]!.options!.map((o) => o.label);
    const byNumber = await say(String(titles.indexOf('Desbloquear la SIM con el PUK') + 1));
    expect(byNumber).toMatchObject({ decision: 'answer', articles: [{ id: 'puk-sim' }] });

    const again = await say('no me acepta el código de la sim', 'c2');
    expect(again.decision).toBe('clarify');
    expect((await say('la del pin', 'c2')).articles.map((a) => a.id)).toEqual(['pin-sim']);
  });

  it('moves to the next candidate when an answer did not help, then to a person', async () => {
    const { say, events } = await engine();
    expect((await say('usar datos fuera de España con roaming')).articles.map((a) => a.id)).toEqual(['roaming-fuera-ue']);
    const next = await say('no me sirvió');
    expect(next.decision).toBe('answer');
    expect(next.replies[0]!.text).toMatch(/^Vaya, siento que no te sirviera/);
    expect(next.articles[0]!.id).toBe('roaming-ue');
    expect(events).toContainEqual(expect.objectContaining({ type: 'feedback', articleId: 'roaming-fuera-ue', helpful: false }));
    let last = next;
    for (let i = 0; i < 5 && last.decision !== 'handoff'; i++) last = await say('sigue sin funcionar');
    expect(last.decision).toBe('handoff');
    expect(events.filter((e) => e.type === 'handoff')).toEqual([expect.objectContaining({ reason: 'failures' })]);
  });

  it('records a yes as helpful feedback', async () => {
    const { say, events } = await engine();
    await say('olvidé mi contraseña');
    const yes = await say('sí, gracias');
    expect(yes.decision).toBe('smalltalk');
    expect(events).toContainEqual(expect.objectContaining({ type: 'feedback', articleId: 'cambiar-contrasena', helpful: true }));
  });

  it('says honestly when there is no answer, offers a person, and logs the question', async () => {
    const { say, events } = await engine();
    const turn = await say('¿a qué hora juega el Real Madrid mañana?');
    expect(turn.decision).toBe('fallback');
    expect(turn.replies[0]!.text).toContain('prefiero no inventarla');
    expect(turn.replies[0]!.text).toContain('persona del equipo');
    expect(events).toContainEqual(expect.objectContaining({ type: 'unanswered', text: '¿a qué hora juega el Real Madrid mañana?', locale: 'es' }));
  });

  it('handles small talk calmly in both languages, and answers a question that comes with a greeting', async () => {
    const { say } = await engine();
    expect(await say('hola')).toMatchObject({ decision: 'smalltalk', replies: [{ text: '¡Hola! ¿En qué te puedo ayudar?' }] });
    expect((await say('¿eres un robot?')).replies[0]!.text).toContain('asistente virtual de Nubo');
    expect((await say('eres un inútil')).replies[0]!.text).toContain('frustrante');
    expect(await say('thanks!', 'c-en')).toMatchObject({ decision: 'smalltalk', locale: 'en' });
    const both = await say('hola, ¿cómo activo el roaming?', 'c3');
    expect(both.decision).toBe('answer');
    expect(both.replies[0]!.text).toBe('¡Hola!');
  });

  it('follows the customer into another language, never mixing languages in one reply', async () => {
    const { say } = await engine();
    expect((await say('olvidé mi contraseña')).locale).toBe('es');
    const english = await say('how do I change my password?');
    expect(english.locale).toBe('en');
    expect(english.articles.map((a) => a.id)).toEqual(['change-password']);
    expect(english.replies.at(-1)!.text).toBe('Did this help?');
  });

  it('hands topics marked escalate to a person', async () => {
    const { say, events } = await engine();
    const turn = await say('quiero darme de baja');
    expect(turn.decision).toBe('handoff');
    expect(events).toContainEqual(expect.objectContaining({ type: 'handoff', reason: 'escalate', articleId: 'baja' }));
  });

  it('hands off at once when the customer asks for a person', async () => {
    const { say } = await engine();
    expect((await say('quiero hablar con una persona')).decision).toBe('handoff');
  });

  it('uses the operator\'s messages instead of the shipped ones', async () => {
    const { say } = await engine({ messages: { es: { greeting: '¡Buenas! Soy Nubi.' } } });
    expect((await say('hola')).replies[0]!.text).toBe('¡Buenas! Soy Nubi.');
  });

  it('keeps the conversation in the store and starts a new one after the inactivity window', async () => {
    let clock = new Date('2026-01-01T10:00:00Z');
    const first = await engine({ now: () => clock });
    await first.say('quiero activar el roaming');
    // Another engine on the same store (a restart) still knows the topic.
    const restarted = new DialogueEngine({ ...first.options, now: () => clock });
    const followUp = await restarted.handle({ conversationId: 'c1', text: '¿y cuánto tarda?', channel: 'test' });
    expect(followUp.articles[0]?.section).toBe('cuanto-tarda');
    clock = new Date('2026-01-01T11:00:00Z');
    const later = await restarted.handle({ conversationId: 'c1', text: 'hola', channel: 'test' });
    expect(later.events.slice(0, 2)).toMatchObject([{ type: 'conversationExpired', conversationId: 'c1' }, { type: 'conversationStarted' }]);
    const state = await first.options.store.load('c1');
    expect(state?.startedAt).toBe(clock.toISOString());
    expect(state?.topic).toBeUndefined();
    expect(state?.turns.map((t) => t.role)).toEqual(['customer', 'bot']);
  });

  it('survives a restart of the process: the conversation is in the SQLite store', async () => {
    const dataDir = tempTree({});
    let store = openStore({ dataDir });
    const first = await engine({ store: store.conversations });
    await first.say('quiero activar el roaming');
    store.close();
    store = openStore({ dataDir });
    const restarted = new DialogueEngine({ ...first.options, store: store.conversations });
    const followUp = await restarted.handle({ conversationId: 'c1', text: '¿y cuánto tarda?', channel: 'test' });
    expect(followUp.articles[0]).toMatchObject({ id: 'roaming-ue', section: 'cuanto-tarda' });
    store.close();
  });

  it('does not stick to the topic when a new question has nothing to do with it', async () => {
    const { say } = await engine();
    await say('quiero activar el roaming');
    expect((await say('¿a qué hora juega el Real Madrid mañana?')).decision).toBe('fallback');
  });

  it('leaves the topic for a short question that clearly stands on its own, in another language too', async () => {
    // A small help center, where the topic's words weigh the most.
    const { say } = await engine({}, {
      'es/roaming.md': FILES['es/roaming.md'], 'en/roaming.md': FILES['en/roaming.md'], 'en/password.md': FILES['en/password.md'],
    });
    await say('¿cómo activo el roaming?');
    expect((await say('I forgot my password')).articles.map((a) => a.id)).toEqual(['change-password']);
  });

  it('keeps the topic across a switch of language, answering from its translation', async () => {
    const { say } = await engine();
    await say('quiero activar el roaming');
    const english = await say('sorry, can you tell me in English? does it cost extra?');
    expect(english.locale).toBe('en');
    expect(english.articles.map((a) => a.id)).toEqual(['eu-roaming']);
  });

  it('answers a "how do I" question with the steps, not with a section that only shares its words', async () => {
    const { say } = await engine();
    expect((await say('¿cómo activo la esim?')).articles[0]).toMatchObject({ id: 'activar-esim', section: 'desde-la-app' });
    expect((await say('¿y cuánto tarda?')).articles[0]).toMatchObject({ id: 'activar-esim', section: 'cuanto-tarda' });
  });

  it('while a person takes over a topic, answers other questions and never queues the customer twice', async () => {
    const { say, events } = await engine();
    expect((await say('quiero darme de baja')).decision).toBe('handoff');
    expect((await say('¿cómo activo el roaming?')).articles.map((a) => a.id)).toEqual(['roaming-ue']);
    const again = await say('quiero hablar con una persona');
    expect(again.decision).toBe('handoff');
    expect(again.replies[0]!.text).toContain('Ya he avisado al equipo');
    expect(events.filter((e) => e.type === 'handoff')).toHaveLength(1);
  });

  it('asks CSAT then CES and a comment after a resolution, by number or words, and records each answer', async () => {
    const { say, events } = await engine();
    await say('olvidé mi contraseña');
    const yes = await say('sí');
    expect(yes.replies.map((r) => r.text)).toEqual([
      '¡Me alegro! ¿Te ayudo con algo más?',
      'Antes de que te vayas: ¿cómo calificarías la ayuda recibida, del 1 (muy mal) al 5 (muy bien)?',
    ]);
    expect(yes.replies[1]!.options).toHaveLength(5);
    expect((await say('muy bien')).replies[0]!.text).toContain('del 1 (muy difícil) al 7 (muy fácil)');
    expect((await say('6')).replies[0]!.text).toBe('¿Quieres contarnos algo más? Es opcional.');
    expect((await say('que sea más rápido el SMS')).replies[0]!.text).toBe('¡Gracias por tu respuesta! Nos ayuda a mejorar.');
    expect(events.filter((e) => e.type === 'survey').map(({ kind, score, comment }: any) => ({ kind, score, comment }))).toEqual([
      { kind: 'csat', score: 5, comment: undefined }, { kind: 'ces', score: 6, comment: undefined }, { kind: 'ces', score: undefined, comment: 'que sea más rápido el SMS' },
    ]);
    // Never twice in a conversation.
    await say('¿cómo activo el roaming?');
    expect((await say('sí, gracias')).replies.map((r) => r.text)).toEqual(['¡Me alegro! ¿Te ayudo con algo más?']);
  });

  it('lets the customer skip the survey or ignore it with a new question, and can be turned off', async () => {
    const { say, events } = await engine();
    await say('olvidé mi contraseña');
    await say('sí');
    expect((await say('saltar')).replies[0]!.text).toBe('¡Gracias por tu respuesta! Nos ayuda a mejorar.');
    expect(events.filter((e) => e.type === 'survey')).toEqual([expect.objectContaining({ kind: 'csat', skipped: true })]);

    await say('olvidé mi contraseña', 'c2');
    await say('sí', 'c2');
    expect((await say('¿cómo activo el roaming?', 'c2')).decision).toBe('answer');

    const off = await engine({ surveys: { enabled: false, comment: false } });
    await off.say('olvidé mi contraseña');
    expect((await off.say('sí')).replies).toHaveLength(1);
  });

  it('answers an option picked in another language from its translation, never mixing languages', async () => {
    const { say } = await engine({}, {
      ...FILES,
      'en/pin.md': article({ id: 'sim-pin', locale: 'en', title: 'Change your SIM PIN', topic: 'sim-pin' }, 'You change the PIN in your phone settings.'),
      'es/pin.md': article({ id: 'pin-sim', title: 'Cambiar el PIN de la SIM', topic: 'sim-pin', questions: ['cambiar pin', 'no me acepta el código de la sim'] },
        'El PIN se cambia en los ajustes del móvil.'),
    });
    const ask = await say('no me acepta el código de la sim');
    const position = ask.replies[0]!.options!.findIndex((o) => o.label === 'Cambiar el PIN de la SIM');
    const picked = await say(position === 0 ? 'the first one please' : 'the second one please');
    expect(picked.locale).toBe('en');
    expect(picked.articles.map((a) => a.id)).toEqual(['sim-pin']);
    expect(picked.replies.map((r) => r.text)).toEqual(['You change the PIN in your phone settings.', 'Did this help?']);
  });

  it('reads a poor survey score as a rating, not as the customer getting upset', async () => {
    const { say, options } = await engine();
    await say('olvidé mi contraseña');
    await say('sí');
    const rated = await say('fatal');
    expect(rated.replies[0]!.text).toContain('del 1 (muy difícil) al 7 (muy fácil)');
    expect((await options.store.load('c1'))!.emotion.every((score) => score === 0)).toBe(true);
    expect((await say('¿cómo activo el roaming?')).replies.at(-1)!.text).toBe('¿Te sirvió?'); // no impatient tone
  });

  it('keeps no personal data in what it remembers of the conversation', async () => {
    const store = new MemoryConversationStore();
    const redact = (text: string) => text.replace(/\d{9}/g, '[phone]');
    const { say } = await engine({ store, redact });
    await say('¿cómo activo el roaming? mi número es 612345678');
    await say('no me acepta el código de la sim 612345678', 'c2');
    expect(JSON.stringify(await store.load('c1'))).not.toContain('612345678');
    expect(JSON.stringify(await store.load('c2'))).not.toContain('612345678');
  });

  it('gives the conversation to a customer who identifies themselves after the first message', async () => {
    const { bot, options } = await engine();
    await bot.handle({ conversationId: 'anon', text: 'hola', channel: 'test' });
    await bot.handle({ conversationId: 'anon', text: 'olvidé mi contraseña', channel: 'test', customerId: 'cust-9' });
    expect((await options.store.load('anon'))?.customerId).toBe('cust-9');
  });
});
