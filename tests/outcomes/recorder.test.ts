import { afterEach, describe, expect, it } from 'vitest';
import { computeReport, createOutcomeRecorder, decideOutcome } from '../../src/outcomes/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { conversation, recordedStore } from './script.js';

const opened: Store[] = [];
afterEach(() => {
  while (opened.length) opened.pop()!.close();
});

function setup(options: Parameters<typeof recordedStore>[0] = {}) {
  const made = recordedStore(options);
  opened.push(made.store);
  return made;
}

const AT = '2026-11-02T10:00:00.000Z';
const count = (store: Store, table: string) => (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('the outcome rules', () => {
  it('decide from the handoff first, then from where the last question stands', () => {
    expect(decideOutcome({ lastStep: 'answer', handoff: { status: 'open' } })).toEqual({ outcome: 'escalated' });
    expect(decideOutcome({ lastStep: 'fallback', handoff: { status: 'returned', closedAt: AT } })).toEqual({ outcome: 'resolved_by_agent', resolvedAt: AT });
    expect(decideOutcome({ lastStep: 'helped', lastStepAt: AT })).toEqual({ outcome: 'resolved_by_bot', resolvedAt: AT });
    expect(decideOutcome({ lastStep: 'answer', lastStepAt: AT })).toEqual({ outcome: 'resolved_by_bot', resolvedAt: AT });
    expect(decideOutcome({ lastStep: 'not_helped' })).toEqual({ outcome: 'unresolved' });
    expect(decideOutcome({ lastStep: 'fallback' })).toEqual({ outcome: 'unresolved' });
    expect(decideOutcome({ lastStep: 'clarify' })).toEqual({ outcome: 'abandoned' });
    expect(decideOutcome({ lastStep: 'none' })).toEqual({ outcome: 'abandoned' });
  });
});

describe('recording conversations', () => {
  it('keeps one provisional outcome while a conversation is open, and makes it final when it ends', async () => {
    const { store, recorder } = setup();
    const c = conversation(store, recorder, 'c1', { at: AT });
    await c.start();
    expect(recorder.outcomeOf('c1')).toMatchObject({ outcome: 'abandoned', final: false });
    await c.answer('¿cómo activo el roaming?', 'roaming-ue', 'como-activarlo', 0.9);
    expect(recorder.outcomeOf('c1')).toMatchObject({ outcome: 'resolved_by_bot', final: false });
    await c.fallback('¿y con bizum?', 0.1);
    expect(recorder.outcomeOf('c1')).toMatchObject({ outcome: 'unresolved', final: false });
    await c.answer('¿cuánto tarda?', 'roaming-ue', 'cuanto-tarda', 0.8);
    await c.end();
    expect(recorder.outcomeOf('c1')).toEqual({
      conversationId: 'c1', outcome: 'resolved_by_bot', final: true, startedAt: AT,
      endedAt: '2026-11-02T10:04:00.000Z', resolvedAt: '2026-11-02T10:03:00.000Z',
    });
    // After the end, events are still recorded but the outcome stays.
    await c.fallback('otra cosa', 0.1);
    expect(recorder.outcomeOf('c1')).toMatchObject({ outcome: 'resolved_by_bot', final: true });
    expect(count(store, 'outcomes')).toBe(1);
    expect(count(store, 'turns')).toBe(4);
  });

  it('counts a second escalation after an agent resolved the first as a new conversation to report', async () => {
    const { store, recorder } = setup();
    const c = conversation(store, recorder, 'c1', { at: AT });
    await c.start();
    await c.handoff('quiero hablar con una persona', 'asked');
    await c.handedBack(true);
    await c.answer('¿cómo activo el roaming?', 'roaming-ue', 'como-activarlo', 0.9);
    await c.handoff('quiero darme de baja', 'escalate');
    const report = computeReport(store.outcomes);
    expect(report.conversations).toBe(2);
    expect(report.outcomes.resolved_by_agent.count).toBe(1);
    expect(report.outcomes.open.count + report.outcomes.escalated.count).toBe(1);
  });

  it('counts a handoff only for the conversation it happened in, not an earlier one with the same id', async () => {
    const { store, recorder } = setup();
    const c = conversation(store, recorder, 'web-1', { at: AT });
    await c.start();
    await c.answer('¿cómo activo el roaming?', 'roaming-ue', 'como-activarlo', 0.9);
    await c.returnAfter(60);
    await c.handoff('quiero hablar con una persona', 'asked');
    // The desk's case, as the server writes it, an hour after the first conversation ended.
    const created = c.now.toISOString();
    store.handoffs.create({
      id: 'h1', conversationId: 'web-1', channel: 'test', locale: 'es', reason: 'asked', status: 'waiting', priority: 30,
      emotion: { score: 0, level: 0, rising: false, reasons: [] }, summary: { asked: [], answered: [], why: '' }, transcript: [],
      createdAt: created, updatedAt: created,
    });
    const report = computeReport(store.outcomes);
    expect(report.conversations).toBe(2);
    expect(report.handedOff).toEqual({ count: 1, percent: 50 });
  });

  it('a good score after a question the bot could not answer leaves it unresolved', async () => {
    const { store, recorder } = setup();
    const c = conversation(store, recorder, 'c1', { at: AT });
    await c.start();
    await c.answer('¿cómo activo el roaming?', 'roaming-ue', 'como-activarlo', 0.9);
    await c.fallback('¿y con bizum?', 0.1);
    await c.survey('csat', { score: 5 });
    await c.end();
    expect(recorder.outcomeOf('c1')).toMatchObject({ outcome: 'unresolved', final: true });
  });

  it('a positive survey after an answer is a resolution; a "no" to "¿Te sirvió?" is not', async () => {
    const { store, recorder } = setup();
    const notHelped = conversation(store, recorder, 'no', { at: AT });
    await notHelped.start();
    await notHelped.answer('no me llega el sms', 'sms', 'reenviar', 0.6);
    await notHelped.feedback(false);
    await notHelped.end();
    expect(recorder.outcomeOf('no')).toMatchObject({ outcome: 'unresolved', final: true });

    const surveyed = conversation(store, recorder, 'yes', { at: AT });
    await surveyed.start();
    await surveyed.answer('no me llega el sms', 'sms', 'reenviar', 0.6);
    await surveyed.feedback(false);
    await surveyed.survey('csat', { score: 4 });
    await surveyed.end();
    expect(recorder.outcomeOf('yes')).toMatchObject({ outcome: 'resolved_by_bot', final: true });

    const low = conversation(store, recorder, 'low', { at: AT });
    await low.start();
    await low.answer('no me llega el sms', 'sms', 'reenviar', 0.6);
    await low.feedback(false);
    await low.survey('ces', { score: 4 });
    await low.end();
    expect(recorder.outcomeOf('low')).toMatchObject({ outcome: 'unresolved' });
  });

  it('ends idle conversations at their last activity, but not one waiting for the team', async () => {
    const { store, recorder } = setup();
    const answered = conversation(store, recorder, 'answered', { at: AT });
    await answered.start();
    await answered.answer('¿cómo activo el roaming?', 'roaming-ue', 'como-activarlo', 0.9);
    const waiting = conversation(store, recorder, 'waiting', { at: AT });
    await waiting.start();
    await waiting.handoff('quiero hablar con una persona', 'asked');

    expect(recorder.closeIdle(new Date('2026-11-02T10:30:00.000Z'))).toBe(0);
    expect(recorder.closeIdle(new Date('2026-11-02T11:00:00.000Z'))).toBe(1);
    expect(recorder.outcomeOf('answered')).toMatchObject({ outcome: 'resolved_by_bot', final: true, endedAt: '2026-11-02T10:01:00.000Z' });
    expect(recorder.outcomeOf('waiting')).toMatchObject({ outcome: 'escalated', final: false });
    expect(recorder.closeIdle(new Date('2026-11-03T10:00:00.000Z'))).toBe(0);
    // Ended by the channel while the case is still open: escalated, for good.
    await waiting.end('channel');
    expect(recorder.outcomeOf('waiting')).toMatchObject({ outcome: 'escalated', final: true });
  });

  it('a conversation id that comes back after the inactivity window is a new conversation', async () => {
    const { store, recorder } = setup();
    const c = conversation(store, recorder, 'same', { at: AT });
    await c.start();
    await c.answer('¿cómo activo el roaming?', 'roaming-ue', 'como-activarlo', 0.9);
    await c.returnAfter(45);
    await c.smalltalk('hola');
    const rows = store.db.prepare('SELECT outcome, ended_at, end_reason, turns FROM outcomes ORDER BY id').all();
    expect(rows).toEqual([
      { outcome: 'resolved_by_bot', ended_at: '2026-11-02T10:01:00.000Z', end_reason: 'expired', turns: 1 },
      { outcome: 'abandoned', ended_at: null, end_reason: null, turns: 1 },
    ]);
  });

  it('after a handback, the agent resolved it unless the customer is handed over again', async () => {
    const { store, recorder } = setup();
    const c = conversation(store, recorder, 'c', { at: AT });
    await c.start();
    await c.handoff('agente', 'asked');
    await c.wait(10).handedBack(false);
    expect(recorder.outcomeOf('c')).toMatchObject({ outcome: 'resolved_by_agent', final: false, resolvedAt: '2026-11-02T10:12:00.000Z' });
    await c.fallback('¿y lo de bizum?', 0.1);
    await c.handoff('otra vez, una persona', 'asked');
    expect(recorder.outcomeOf('c')).toMatchObject({ outcome: 'escalated', final: false });
    await c.handedBack(true);
    expect(recorder.outcomeOf('c')).toMatchObject({ outcome: 'resolved_by_agent', final: true, endedAt: '2026-11-02T10:15:00.000Z' });
  });

  it('reads the handoff module\'s cases: a case resolved there ends the conversation at its closing time', async () => {
    const { store, recorder } = setup();
    const c = conversation(store, recorder, 'c', { at: AT });
    await c.start();
    await c.handoff('agente', 'asked');
    const insertCase = store.db.prepare(`
      INSERT INTO handoffs (id, conversation_id, channel, locale, reason, status, priority, emotion, summary, transcript, created_at, closed_at, updated_at)
      VALUES (?, 'c', 'test', 'es', 'asked', ?, 1, '{}', '{}', '[]', ?, ?, ?)`);
    insertCase.run('h1', 'assigned', '2026-11-02T10:01:00.000Z', null, '2026-11-02T10:05:00.000Z');
    expect(recorder.closeIdle(new Date('2026-11-02T12:00:00.000Z'))).toBe(0);
    store.db.prepare("UPDATE handoffs SET status = 'resolved', closed_at = ? WHERE id = 'h1'").run('2026-11-02T10:40:00.000Z');
    expect(recorder.closeIdle(new Date('2026-11-02T12:00:00.000Z'))).toBe(1);
    expect(recorder.outcomeOf('c')).toMatchObject({
      outcome: 'resolved_by_agent', final: true, endedAt: '2026-11-02T10:40:00.000Z', resolvedAt: '2026-11-02T10:40:00.000Z',
    });
  });

  it('records low-confidence clarifications with their best article, and the unanswered question with its turn', async () => {
    const { store, recorder } = setup({ lowConfidenceBelow: 0.45 });
    const c = conversation(store, recorder, 'c', { at: AT });
    await c.start();
    await c.clarify('no me acepta el código', [['pin-sim', 0.4], ['puk-sim', 0.38]]);
    await c.clarify('roaming o datos', [['roaming-ue', 0.8], ['datos', 0.79]]);
    await c.fallback('¿puedo pagar con bizum? mi tel es 612 345 678', 0.1);
    const rows = store.db.prepare('SELECT kind, text, locale, best_confidence, best_article_id, turn_id IS NOT NULL AS has_turn FROM unanswered_questions ORDER BY id').all();
    expect(rows).toEqual([
      { kind: 'low_confidence', text: 'no me acepta el código', locale: 'es', best_confidence: 0.4, best_article_id: 'pin-sim', has_turn: 1 },
      { kind: 'unanswered', text: '¿puedo pagar con bizum? mi tel es [phone]', locale: 'es', best_confidence: 0.1, best_article_id: null, has_turn: 1 },
    ]);
  });

  it('records each turn with its decision, article, confidence, frustration, language, latency and redacted texts', async () => {
    const { store, recorder } = setup();
    const c = conversation(store, recorder, 'c', { at: AT, locale: 'en' });
    await c.start();
    await c.answer('my card 4111 1111 1111 1111 was charged twice', 'double-charge', 'refunds', 0.77, { level: 0.42, botText: 'Write to help@nubo.example' });
    expect(store.db.prepare('SELECT decision, article_id, section, confidence, frustration, frustration_level, locale, latency_ms, customer_text, bot_text FROM turns').get()).toEqual({
      decision: 'answer', article_id: 'double-charge', section: 'refunds', confidence: 0.77, frustration: 0.42, frustration_level: 0.42,
      locale: 'en', latency_ms: 10, customer_text: 'my card [card] was charged twice', bot_text: 'Write to [email]',
    });
  });

  it('writes an event and its outcome together or not at all', async () => {
    const errors: string[] = [];
    const { store, recorder } = setup({ onError: (error) => errors.push((error as Error).message) });
    const c = conversation(store, recorder, 'c', { at: AT });
    await c.start();
    await c.answer('¿cómo activo el roaming?', 'roaming-ue', 'como-activarlo', 0.9);
    const before = store.db.prepare('SELECT * FROM outcomes').get();
    // A statement that fails inside the transaction, after the turn's row was written: as a crash would.
    store.db.exec("CREATE TRIGGER crash BEFORE UPDATE ON outcomes BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    await c.fallback('¿y con bizum?', 0.1);
    // The unanswered event (its own transaction, which does not touch the outcome) went in; the turn did not at all.
    expect(errors).toEqual(['disk on fire']);
    expect(count(store, 'unanswered_questions')).toBe(1);
    expect(count(store, 'turns')).toBe(1);
    expect(store.db.prepare('SELECT * FROM outcomes').get()).toEqual(before);
    store.db.exec('DROP TRIGGER crash');
    await c.end();
    expect(recorder.outcomeOf('c')).toMatchObject({ outcome: 'resolved_by_bot', final: true });
  });

  it('loses nothing across a restart: a new process carries on from what is stored', async () => {
    const first = recordedStore();
    const c = conversation(first.store, first.recorder, 'c', { at: AT });
    await c.start();
    await c.answer('no me llega el sms', 'sms', 'reenviar', 0.6);
    await c.survey('csat', { score: 2 });
    first.store.close();

    const store = openStore({ dataDir: first.dataDir });
    opened.push(store);
    const recorder = createOutcomeRecorder(store.outcomes, { inactivityMinutes: 30, onError: (e) => { throw e; } });
    expect(recorder.outcomeOf('c')).toMatchObject({ outcome: 'resolved_by_bot', final: false });
    const again = conversation(store, recorder, 'c', { at: '2026-11-02T10:02:00.000Z' });
    await again.fallback('¿y con bizum?', 0.1);
    await again.survey('csat', { comment: 'lento' });
    await again.end();
    expect(recorder.outcomeOf('c')).toMatchObject({ outcome: 'unresolved', final: true });
    expect(count(store, 'turns')).toBe(2);
    expect(store.db.prepare('SELECT kind, score, comment FROM surveys').all()).toEqual([{ kind: 'csat', score: 2, comment: 'lento' }]);
  });

  it('reports an event about a conversation that was never stored, and stores nothing of it', () => {
    const errors: string[] = [];
    const { store, recorder } = setup({ onError: (error) => errors.push((error as Error).message) });
    recorder.onEvent({ type: 'feedback', at: AT, conversationId: 'ghost', articleId: 'a', section: 's', helpful: true });
    expect(errors).toEqual(['conversation ghost is not in the conversations table']);
    expect(count(store, 'outcomes')).toBe(0);
  });
});
