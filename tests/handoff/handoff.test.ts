import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/dialogue/types.js';
import { scoreMessage } from '../../src/emotion/index.js';
import { DeskError, type DeskEvent, type HandoffDesk } from '../../src/handoff/index.js';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { Retriever } from '../../src/retrieval/index.js';
import { composeBot } from '../../src/server/compose.js';
import { openStore } from '../../src/store/index.js';
import { loadConfig } from '../../src/config/index.js';
import { LOCALES, tempTree } from '../helpers.js';

const article = (fm: Record<string, unknown>, body: string) =>
  `---\n${Object.entries(fm).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n')}\n---\n${body}\n`;

const FILES = {
  'knowledge/es/roaming.md': article({ id: 'roaming-ue', title: 'Roaming en la Unión Europea', related: ['apn'], questions: ['¿puedo usar datos en Francia?'] },
    'En la UE usas tu tarifa como en casa.\n\n## Cómo activarlo\n\nEntra en **Mi Nubo › Roaming** y activa el interruptor.'),
  'knowledge/es/apn.md': article({ id: 'apn', title: 'Configurar el APN', questions: ['no me funcionan los datos'] }, 'El APN es internet.nubo.'),
  'knowledge/es/baja.md': article({ id: 'baja', title: 'Darse de baja', escalate: true, questions: ['quiero darme de baja'] }, 'Un agente gestiona las bajas.'),
  'knowledge/en/roaming.md': article({ id: 'eu-roaming', locale: 'en', title: 'Roaming in the European Union', questions: ['can I use data in France?'] },
    'In the EU you use your plan as at home.'),
};

/** A Monday, 10:00 in Madrid (open), and a Saturday, 22:00 (closed until Monday 9:00). */
const OPEN = new Date('2026-11-30T09:00:00Z');
const CLOSED = new Date('2026-11-28T21:00:00Z');

async function bot(options: { now?: Date; hours?: boolean; root?: string } = {}) {
  const root = options.root ?? tempTree({
    ...FILES,
    'bot.config.ts': `export default { handoff: { ${options.hours ? 'hours: { timeZone: "Europe/Madrid", week: { mon: ["09:00-20:00"], tue: ["09:00-20:00"] } }' : ''} } };\n`,
  });
  const config = await loadConfig({ root, env: {} });
  const kb = await loadKnowledge({ dir: `${root}/knowledge`, locales: LOCALES, maxFileBytes: 1e6 });
  const store = openStore({ dataDir: `${root}/data` });
  let clock = options.now ?? OPEN;
  const engineEvents: EngineEvent[] = [];
  const deskEvents: DeskEvent[] = [];
  const { engine, desk } = composeBot({
    config, search: new Retriever(kb), store, now: () => clock,
    onEngineEvent: (e) => engineEvents.push(e), onDeskEvent: (e) => deskEvents.push(e),
  });
  const say = (text: string, conversationId = 'c1', customerId = 'cust-1') => engine.handle({ conversationId, customerId, text, channel: 'test' });
  const advance = (minutes: number) => { clock = new Date(clock.getTime() + minutes * 60_000); };
  return { engine, desk, store, say, engineEvents, deskEvents, advance, root, now: () => clock };
}

const onlyCase = (desk: HandoffDesk) => {
  const queue = desk.queue();
  expect(queue).toHaveLength(1);
  return queue[0]!;
};

describe('frustration and handoff', () => {
  it('hands off calmly when asked for a person, in Spanish and in English, with a complete case', async () => {
    const { say, desk } = await bot();
    await say('¿puedo usar datos en Francia?');
    const turn = await say('quiero hablar con una persona');
    expect(turn.decision).toBe('handoff');
    expect(turn.replies[0]!.text).toMatch(/^Claro, te paso con una persona del equipo\..*normalmente en menos de 15 minutos\.$/);
    expect(turn.replies[0]!.text).not.toContain('frustrante');
    const handoff = onlyCase(desk);
    expect(handoff).toMatchObject({
      reason: 'asked', status: 'waiting', locale: 'es', customerId: 'cust-1', channel: 'test',
      summary: { asked: ['¿puedo usar datos en Francia?', 'quiero hablar con una persona'], answered: ['Roaming en la Unión Europea'], why: 'Pidió hablar con una persona.' },
    });
    expect(handoff.transcript.map((t) => t.role)).toEqual(['customer', 'bot', 'customer', 'bot']);
    expect(handoff.emotion.reasons.map((r) => r.kind)).toContain('askedForPerson');

    const english = await say('can I talk to a real person please?', 'c2', 'cust-2');
    expect(english.locale).toBe('en');
    expect(english.replies[0]!.text).toMatch(/^Of course, I'm passing you to a person on the team\./);
  });

  it('answers anger with empathy first and hands off, with the reasons and a higher priority', async () => {
    const { say, desk } = await bot();
    const turn = await say('ESTO ES UNA VERGÜENZA, llevo una hora sin datos y nadie me ayuda!!!');
    expect(turn.decision).toBe('handoff');
    expect(turn.replies[0]!.text).toMatch(/^Entiendo que esto es frustrante\./);
    const handoff = onlyCase(desk);
    expect(handoff.reason).toBe('frustration');
    expect(handoff.emotion.reasons.map((r) => r.kind)).toEqual(expect.arrayContaining(['shouting', 'waiting']));
    expect(['high', 'urgent']).toContain(handoff.priorityLabel);

    const english = await say("this is a joke, I've been waiting for an hour and NOTHING WORKS!!!", 'c2', 'cust-2');
    expect(english.decision).toBe('handoff');
    expect(english.replies[0]!.text).toMatch(/^I understand this is frustrating\./);
  });

  it('reads negation: "no estoy nada contento" is frustrated, "no está nada mal" is not', () => {
    expect(scoreMessage('no estoy nada contento con el servicio', 'es').score).toBeGreaterThanOrEqual(0.5);
    expect(scoreMessage('no está nada mal, gracias', 'es').score).toBeLessThan(0.3);
    expect(scoreMessage('I am not happy at all with this', 'en').score).toBeGreaterThanOrEqual(0.5);
    expect(scoreMessage('not bad at all, thanks', 'en').score).toBeLessThan(0.3);
  });

  it('notices frustration rising over several mild messages, although none alone is enough', async () => {
    const { say, desk } = await bot();
    const turns = [];
    for (const text of ['¿puedo usar datos en Francia?', 'vaya, qué lío con esto', 'llevo media hora con esto', 'esto ya es desesperante']) {
      turns.push(await say(text));
    }
    const decisions = turns.map((t) => t.decision);
    expect(decisions.at(-1)).toBe('handoff');
    expect(decisions.slice(0, 3)).not.toContain('handoff');
    expect(onlyCase(desk).reason).toBe('frustration');
  });

  it('with mild frustration, answers shorter, apologises for failing and offers a person', async () => {
    const { say } = await bot();
    await say('¿puedo usar datos en Francia?');
    const turn = await say('no me sirvió y estoy bastante molesto, ¿cómo activo el roaming?');
    expect(turn.decision).toBe('answer');
    expect(turn.replies[0]!.text).toBe('Vaya, siento que no te sirviera. Quizá esto encaje mejor:');
    expect(turn.replies.at(-1)!.text).toBe('¿Te sirvió? Si lo prefieres, te paso con una persona del equipo.');
  });

  it('hands off after answers that did not help, saying it will not waste more of their time', async () => {
    const { say, desk } = await bot();
    await say('¿puedo usar datos en Francia?');
    expect((await say('no')).decision).toBe('answer'); // the related article, next
    const last = await say('no');
    expect(last.decision).toBe('handoff');
    expect(last.replies[0]!.text).toMatch(/^No he conseguido resolverlo/);
    expect(onlyCase(desk)).toMatchObject({ reason: 'failures', summary: { answered: ['Roaming en la Unión Europea', 'Configurar el APN'] } });
  });

  it('hands topics marked escalate to the team, and queues a conversation only once', async () => {
    const { say, desk } = await bot();
    expect((await say('quiero darme de baja')).decision).toBe('handoff');
    expect((await say('quiero hablar con una persona')).replies[0]!.text).toContain('Ya he avisado al equipo');
    expect(onlyCase(desk)).toMatchObject({ reason: 'escalate', articleId: 'baja' });
  });

  it('outside business hours says when someone will answer, in the customer\'s language, and keeps the case queued', async () => {
    const closed = await bot({ now: CLOSED, hours: true });
    const turn = await closed.say('quiero hablar con una persona');
    expect(turn.replies[0]!.text).toContain('Ahora estamos fuera de horario: te escribirán el lunes a las 9:00.');
    expect(onlyCase(closed.desk).status).toBe('waiting');
    const english = await closed.say('I want to talk to a person', 'c2', 'cust-2');
    expect(english.replies[0]!.text).toContain("We're outside business hours right now: someone will write to you on Monday at 9:00");

    const open = await bot({ now: OPEN, hours: true });
    expect((await open.say('quiero hablar con una persona')).replies[0]!.text).toContain('en menos de 15 minutos');
  });

  it('relays both ways while an agent has the case, lets one agent only claim it, and returns to the bot', async () => {
    const { say, desk, deskEvents, engineEvents, store } = await bot();
    await say('quiero hablar con una persona');
    const { id } = onlyCase(desk);
    await desk.claim(id, 'ana');
    await expect(desk.claim(id, 'luis')).rejects.toThrow(DeskError);
    await expect(desk.claim(id, 'luis')).rejects.toThrow('already taken by ana');

    const quiet = await say('hola, ¿sigues ahí?');
    expect(quiet).toMatchObject({ decision: 'handoff', replies: [] });
    await desk.reply(id, 'ana', 'Hola, soy Ana. Ya veo tu caso.');
    await expect(desk.reply(id, 'luis', 'yo también')).rejects.toThrow('belongs to ana');
    desk.note(id, 'ana', 'cliente de empresa');

    const { messages } = desk.get(id);
    expect(messages.filter((m) => m.author !== 'system').map((m) => [m.author, m.text])).toEqual([
      ['customer', 'hola, ¿sigues ahí?'], ['agent', 'Hola, soy Ana. Ya veo tu caso.'], ['note', 'cliente de empresa'],
    ]);
    expect(deskEvents).toContainEqual(expect.objectContaining({ type: 'agentMessage', text: 'Hola, soy Ana. Ya veo tu caso.', channel: 'test', conversationId: 'c1' }));
    const state = await store.conversations.load('c1');
    expect(state!.turns.filter((t) => t.role === 'agent')).toEqual([expect.objectContaining({ agentId: 'ana', text: 'Hola, soy Ana. Ya veo tu caso.' })]);

    await expect(desk.handBack(id, 'luis')).rejects.toThrow('belongs to ana');
    const back = await desk.handBack(id, 'ana');
    expect(back.status).toBe('returned');
    const resumed = deskEvents.find((e) => e.type === 'botResumed');
    expect(resumed?.type === 'botResumed' && resumed.turn.replies.map((r) => r.text)).toEqual([
      'Vuelvo a estar yo por aquí. ¿Te ayudo con algo más?',
      'Antes de que te vayas: ¿cómo calificarías la ayuda recibida, del 1 (muy mal) al 5 (muy bien)?',
    ]);
    expect(engineEvents).toContainEqual(expect.objectContaining({ type: 'handedBack', agentId: 'ana', resolved: false }));
    // The survey is skippable: a question instead of a score is simply answered.
    expect((await say('¿cómo activo el roaming?')).decision).toBe('answer');
    expect(desk.queue()).toEqual([]);
  });

  it('sorts the queue by priority, raised by waiting, and keeps cases and messages across a restart', async () => {
    const first = await bot();
    await first.say('quiero hablar con una persona', 'calm', 'a');
    first.advance(1);
    await first.say('ESTO ES UNA VERGÜENZA, nadie me ayuda!!!', 'angry', 'b');
    expect(first.desk.queue().map((h) => h.conversationId)).toEqual(['angry', 'calm']);
    first.advance(120);
    const [angry, calm] = first.desk.queue();
    expect(calm!.currentPriority).toBeGreaterThan(calm!.priority);
    expect(calm!.waitingMinutes).toBe(121);
    expect(angry!.currentPriority).toBeGreaterThanOrEqual(calm!.currentPriority);
    await first.say('¿hay alguien?', 'calm', 'a');
    first.store.close();

    const again = await bot({ root: first.root, now: first.now() });
    const queue = again.desk.queue();
    expect(queue.map((h) => h.conversationId)).toEqual(['angry', 'calm']);
    expect(again.desk.get(queue[1]!.id).messages.map((m) => m.text)).toEqual(['¿hay alguien?']);
    await again.desk.claim(queue[1]!.id, 'ana');
    expect((await again.say('hola', 'calm', 'a')).replies).toEqual([]);
  });

  it('passes on every message written while the customer waits, and answers clear questions meanwhile', async () => {
    const { say, desk } = await bot();
    await say('quiero hablar con una persona');
    const waiting = await say('hola? hay alguien? gracias');
    expect(waiting.replies.map((r) => r.text)).toEqual([expect.stringContaining('Ya he avisado al equipo')]);
    expect(waiting.replies.map((r) => r.text).join(' ')).not.toContain('calificarías'); // no survey while waiting
    expect((await say('¿puedo usar datos en Francia?')).decision).toBe('answer');
    expect(desk.get(onlyCase(desk).id).messages.filter((m) => m.author === 'customer').map((m) => m.text))
      .toEqual(['hola? hay alguien? gracias', '¿puedo usar datos en Francia?']);
  });

  it('hands off after questions it could not answer, one after another', async () => {
    const { say, desk } = await bot();
    const decisions = [];
    for (const text of ['¿quién ganó la liga?', '¿y el mundial de 2010?', '¿qué tiempo hace en Bilbao?']) decisions.push((await say(text)).decision);
    expect(decisions).toEqual(['fallback', 'fallback', 'handoff']);
    expect(onlyCase(desk).reason).toBe('failures');
  });

  it('records an upset "no" about the article before handing off', async () => {
    const { say, engineEvents } = await bot();
    await say('¿puedo usar datos en Francia?');
    expect((await say('NO!!! ESTO NO SIRVE PARA NADA, QUIERO UNA PERSONA YA')).decision).toBe('handoff');
    expect(engineEvents).toContainEqual(expect.objectContaining({ type: 'feedback', articleId: 'roaming-ue', helpful: false }));
  });

  it('tells the agent when the customer leaves, and gives the conversation back when its case was closed elsewhere', async () => {
    const { say, desk, engine, store } = await bot();
    await say('quiero hablar con una persona');
    const { id } = onlyCase(desk);
    await engine.end('c1');
    expect(desk.get(id).messages.at(-1)).toMatchObject({ author: 'system', text: 'the customer ended the conversation' });

    await say('quiero hablar con una persona', 'c2', 'cust-2');
    const second = desk.queue().find((h) => h.conversationId === 'c2')!;
    // Another process (the terminal's `escucha handoffs`) resolves the case without this engine knowing.
    store.handoffs.transition(second.id, { from: ['waiting'], to: 'resolved', at: new Date().toISOString(), agentId: 'luis' });
    expect((await say('¿puedo usar datos en Francia?', 'c2', 'cust-2')).decision).toBe('answer');
    expect((await say('quiero hablar con una persona', 'c2', 'cust-2')).replies[0]!.text).not.toContain('Ya he avisado');
    expect(desk.queue().filter((h) => h.conversationId === 'c2')).toHaveLength(1);
  });
});

