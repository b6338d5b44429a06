import type { Activity } from 'botbuilder';
import { afterEach, describe, expect, it } from 'vitest';
import { applyRetention, forgetCustomer } from '../../src/privacy/index.js';
import type { Store } from '../../src/store/index.js';
import { conversation, recordedStore } from '../outcomes/script.js';

const opened: Store[] = [];
afterEach(() => {
  while (opened.length) opened.pop()!.close();
});

const TABLES = [
  'conversations', 'outcomes', 'turns', 'feedback', 'surveys', 'unanswered_questions', 'handoffs', 'handoff_messages', 'conversation_references',
  'directline_conversations', 'directline_tokens', 'directline_activities',
];

function rowsOf(store: Store, customerId: string): Record<string, number> {
  const conversationIds = "(SELECT id FROM conversations WHERE customer_id = @customerId)";
  const where: Record<string, string> = {
    conversations: 'customer_id = @customerId',
    handoff_messages: `handoff_id IN (SELECT id FROM handoffs WHERE conversation_id IN ${conversationIds})`,
    directline_conversations: 'customer_id = @customerId',
    directline_tokens: 'directline_id IN (SELECT id FROM directline_conversations WHERE customer_id = @customerId)',
    directline_activities: 'directline_id IN (SELECT id FROM directline_conversations WHERE customer_id = @customerId)',
  };
  return Object.fromEntries(TABLES.map((table) => [table,
    (store.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where[table] ?? `conversation_id IN ${conversationIds}`}`).get({ customerId }) as { n: number }).n]));
}

/** A web chat of the customer's, with a token and what was said, its engine conversation `engineConversationId`. */
function webChat(store: Store, id: string, customerId: string, engineConversationId: string, texts: string[]) {
  store.directLine.create({ id, userId: customerId, userBound: true, joined: true, expiresAt: 0 });
  store.directLine.addToken(`hash-of-${id}`, { conversationId: id, expiresAt: Date.parse('2026-11-03T11:00:00.000Z') });
  for (const text of texts) {
    store.directLine.append(id, (position) => ({ type: 'message', id: `${id}|${position}`, text }) as Activity, { keep: 10, engineConversationId });
  }
}

/** Two conversations of Ana (one handed to the team, with messages), one of Ben. */
async function twoCustomers() {
  const { store, recorder } = recordedStore();
  opened.push(store);
  const ana1 = conversation(store, recorder, 'ana-1', { at: '2026-11-02T10:00:00.000Z', customerId: 'ana' });
  await ana1.start();
  await ana1.answer('¿cómo activo el roaming? soy ana@example.com', 'roaming-ue', 'como-activarlo', 0.9);
  await ana1.feedback(true);
  await ana1.survey('csat', { score: 5 });
  const ana2 = conversation(store, recorder, 'ana-2', { at: '2026-11-03T10:00:00.000Z', customerId: 'ana' });
  await ana2.start();
  await ana2.fallback('¿puedo pagar con bizum?', 0.1);
  await ana2.handoff('una persona', 'asked');
  store.db.prepare(`
    INSERT INTO handoffs (id, conversation_id, customer_id, channel, locale, reason, status, priority, emotion, summary, transcript, created_at, updated_at)
    VALUES ('h1', 'ana-2', 'ana', 'test', 'es', 'asked', 'waiting', 1, '{}', '{}', '[]', '2026-11-03T10:02:00.000Z', '2026-11-03T10:02:00.000Z')`).run();
  const message = store.db.prepare("INSERT INTO handoff_messages (handoff_id, author, text, at) VALUES ('h1', ?, ?, '2026-11-03T10:03:00.000Z')");
  message.run('customer', 'hola?');
  message.run('agent', 'Hola Ana, dime');
  // How a Bot Framework channel reaches her for the agent's reply.
  store.db.prepare(`INSERT INTO conversation_references (conversation_id, reference, updated_at)
    VALUES ('ana-2', '{"channelId":"msteams","user":{"id":"ana"}}', '2026-11-03T10:02:00.000Z')`).run();
  const ben = conversation(store, recorder, 'ben-1', { at: '2026-11-02T11:00:00.000Z', customerId: 'ben' });
  await ben.start();
  await ben.answer('I forgot my password', 'change-password', 'from-the-app', 0.8, { locale: 'en' });
  await ben.survey('ces', { score: 6 });
  // Web chats: of ana-2 and ben-1, and one of Ana's whose first message the engine has not stored yet.
  webChat(store, 'ana-2', 'ana', 'ana-2', ['una persona']);
  webChat(store, 'ana-web', 'ana', 'directline:ana-web', ['soy ana@example.com']);
  webChat(store, 'ben-1', 'ben', 'ben-1', ['I forgot my password']);
  return store;
}

describe('forgetting a customer', () => {
  it('deletes their conversations and everything about them, says how much, and touches nobody else', async () => {
    const store = await twoCustomers();
    const ana = rowsOf(store, 'ana');
    const ben = rowsOf(store, 'ben');
    expect(ana).toEqual({
      conversations: 2, outcomes: 2, turns: 4, feedback: 1, surveys: 1, unanswered_questions: 1, handoffs: 1, handoff_messages: 2, conversation_references: 1,
      directline_conversations: 2, directline_tokens: 2, directline_activities: 2,
    });

    const deleted = forgetCustomer(store.erasure, 'ana');
    expect(deleted).toEqual(ana);
    expect(Object.values(rowsOf(store, 'ana')).every((n) => n === 0)).toBe(true);
    const total = (table: string) => (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    for (const table of TABLES) expect(total(table)).toBe(ben[table]);
    expect(rowsOf(store, 'ben')).toEqual(ben);
  });

  it('answers with zeros for a customer it does not know', async () => {
    const store = await twoCustomers();
    expect(Object.values(forgetCustomer(store.erasure, 'nobody')).every((n) => n === 0)).toBe(true);
    expect(rowsOf(store, 'ana').conversations).toBe(2);
  });
});

describe('retention', () => {
  it('deletes conversations whose last activity is older than the retention period, and keeps the rest', async () => {
    const store = await twoCustomers();
    // On 2 December at noon with 30 days: only ana-2 (active on 3 November) is kept.
    const deleted = applyRetention(store.erasure, { retentionDays: 30, now: new Date('2026-12-02T12:00:00.000Z') });
    expect(deleted).toMatchObject({ conversations: 2, outcomes: 2, turns: 3, feedback: 1, surveys: 2, directline_conversations: 1, directline_activities: 1 });
    expect(store.db.prepare('SELECT id FROM conversations').all()).toEqual([{ id: 'ana-2' }]);
    expect(applyRetention(store.erasure, { retentionDays: null })).toEqual({});
  });

  it('deletes old recorded conversations under an id still in use', async () => {
    const { store, recorder } = recordedStore();
    opened.push(store);
    const c = conversation(store, recorder, 'web-42', { at: '2026-01-05T10:00:00.000Z' });
    await c.start();
    await c.answer('¿cómo activo el roaming?', 'roaming-ue', 'como-activarlo', 0.9);
    await c.returnAfter(60 * 24 * 300);
    await c.smalltalk('hola');
    const deleted = applyRetention(store.erasure, { retentionDays: 90, now: c.now });
    expect(deleted).toMatchObject({ conversations: 0, outcomes: 1, turns: 1 });
    expect(store.db.prepare('SELECT count(*) AS n FROM turns').get()).toEqual({ n: 1 });
  });
});
