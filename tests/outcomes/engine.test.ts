import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DialogueEngine } from '../../src/dialogue/engine.js';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { computeReport, createOutcomeRecorder } from '../../src/outcomes/index.js';
import { Retriever } from '../../src/retrieval/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { LOCALES, tempTree } from '../helpers.js';

const article = (fm: Record<string, unknown>, body: string) =>
  `---\n${Object.entries(fm).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n')}\n---\n${body}\n`;

const FILES = {
  'es/roaming.md': article({ id: 'roaming-ue', title: 'Roaming en la Unión Europea', topic: 'roaming', questions: ['¿puedo usar datos en Francia?', 'activar roaming'] },
    'En la UE usas tu tarifa como en casa, sin coste extra.\n\n## Cómo activarlo\n\nEntra en **Mi Nubo › Roaming** y activa el interruptor.'),
  'es/baja.md': article({ id: 'baja', title: 'Darse de baja', escalate: true, questions: ['cancelar mi contrato', 'quiero darme de baja'] }, 'Un agente gestiona las bajas.'),
  'en/roaming.md': article({ id: 'eu-roaming', locale: 'en', title: 'Roaming in the European Union', topic: 'roaming', questions: ['can I use data in France?'] },
    'In the EU you use your plan as at home.'),
  'en/password.md': article({ id: 'change-password', locale: 'en', title: 'Change your password', topic: 'password', questions: ['I forgot my password', 'new password'] },
    'You can change it any time from **Profile › Security**.'),
};

const opened: Store[] = [];
afterEach(() => {
  while (opened.length) opened.pop()!.close();
});

/** The real engine, on a tiny help center, with the SQLite store and the recorder as its event listener. */
async function bot() {
  const kb = await loadKnowledge({ dir: tempTree(FILES), locales: LOCALES, maxFileBytes: 1e6 });
  const store = openStore({ dataDir: path.join(tempTree({}), 'data') });
  opened.push(store);
  const recorder = createOutcomeRecorder(store.outcomes, { inactivityMinutes: 30, onError: (error) => { throw error; } });
  let clock = Date.parse('2026-11-02T10:00:00.000Z');
  const engine = new DialogueEngine({
    search: new Retriever(kb), store: store.conversations, locales: { default: 'es', supported: ['es', 'en'] },
    thresholds: { answer: 0.45, clarify: 0.25, margin: 0.03 }, company: 'Nubo', maxReplyChars: 700, inactivityMinutes: 30,
    emotion: { handoffLevel: 0.6, mildLevel: 0.3, trend: { threshold: 0.6 } }, handoff: { afterFailures: 3, expectedWaitMinutes: 15 },
    onEvent: (event) => recorder.onEvent(event), now: () => new Date(clock),
  });
  const say = async (conversationId: string, text: string) => {
    clock += 60_000;
    return (await engine.handle({ conversationId, text, channel: 'test', customerId: `customer-${conversationId}` })).decision;
  };
  const wait = (minutes: number) => { clock += minutes * 60_000; };
  return { engine, store, recorder, say, wait, now: () => new Date(clock) };
}

describe('outcomes recorded from the dialogue engine', () => {
  it('turns real conversations into the expected report', async () => {
    const { engine, store, recorder, say, wait, now } = await bot();

    expect(await say('resolved', '¿cómo activo el roaming?')).toBe('answer');
    expect(await say('resolved', 'sí')).toBe('smalltalk');
    // The engine asks CSAT, then CES, then a comment; the answers are recorded (the comment redacted).
    expect(await say('resolved', 'un 4')).toBe('smalltalk');
    expect(await say('resolved', 'muy fácil')).toBe('smalltalk');
    expect(await say('resolved', 'rapidísimo, gracias. Mi móvil es 612 345 678')).toBe('smalltalk');
    await engine.end('resolved');

    expect(await say('silent', 'I forgot my password')).toBe('answer');

    expect(await say('escalated', 'quiero darme de baja')).toBe('handoff');
    await engine.end('escalated', 'channel');

    expect(await say('greeting', 'hola')).toBe('smalltalk');

    expect(await say('unanswered', '¿quién ganó el partido del madrid ayer?')).toBe('fallback');
    await engine.end('unanswered');

    expect(await say('agent', 'quiero hablar con una persona')).toBe('handoff');
    await engine.agentJoined('agent', 'agent-1');
    wait(10);
    await engine.resume('agent', { agentId: 'agent-1', resolved: true });

    expect(await say('mixed', '¿cómo activo el roaming?')).toBe('answer');
    expect(await say('mixed', 'and can I use data in France?')).toBe('answer');
    await engine.end('mixed');

    wait(31);
    expect(recorder.closeIdle(now())).toBe(2); // silent and greeting
    const report = computeReport(store.outcomes);
    expect(report.conversations).toBe(7);
    // 3/7 is 42.857...%, but 42.9 + 4 × 14.3 would make 100.1: the rounding that adds up shaves the larger share.
    expect(report.outcomes).toEqual({
      resolved_by_bot: { count: 3, percent: 42.8 },
      resolved_by_agent: { count: 1, percent: 14.3 },
      escalated: { count: 1, percent: 14.3 },
      unresolved: { count: 1, percent: 14.3 },
      abandoned: { count: 1, percent: 14.3 },
      open: { count: 0, percent: 0 },
    });
    expect(report.handedOff.count).toBe(2);
    expect(report.csat).toEqual({ n: 1, mean: 4, satisfiedPercent: 100, skipped: 0 });
    expect(report.ces).toEqual({ n: 1, mean: 7, skipped: 0 });
    expect(store.db.prepare('SELECT kind, score, comment FROM surveys ORDER BY kind').all()).toEqual([
      { kind: 'ces', score: 7, comment: 'rapidísimo, gracias. Mi móvil es [phone]' },
      { kind: 'csat', score: 4, comment: null },
    ]);
    expect(report.articles.map((a) => [a.id, a.views, a.helpful])).toEqual([['roaming-ue', 2, 1], ['change-password', 1, 0], ['eu-roaming', 1, 0]]);
    expect(report.gaps).toMatchObject([{ locale: 'es', count: 1, examples: ['¿quién ganó el partido del madrid ayer?'], suggestion: { action: 'new_article' } }]);
    expect(store.db.prepare("SELECT locale FROM turns WHERE outcome_id = (SELECT id FROM outcomes WHERE conversation_id = 'mixed') ORDER BY id").all())
      .toEqual([{ locale: 'es' }, { locale: 'en' }]);
  });
});
