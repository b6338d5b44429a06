import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectLineConversations } from '../../src/channels/directline/conversations.js';
import type { ConversationState } from '../../src/dialogue/state.js';
import { MIGRATIONS, openDatabase, openStore, schemaVersion, type Store } from '../../src/store/index.js';
import { tempTree } from '../helpers.js';

const opened: Store[] = [];
afterEach(() => {
  while (opened.length) opened.pop()!.close();
});

function open(dataDir = tempTree({})): Store {
  const store = openStore({ dataDir });
  opened.push(store);
  return store;
}

/** The Direct Line conversations on a store, on a clock the test moves. */
function webChats(store: Store, limits = { tokenSeconds: 60, maxActivities: 3, maxConversations: 10 }) {
  const clock = { now: Date.parse('2026-11-02T10:00:00.000Z') };
  const conversations = new DirectLineConversations({ store: () => store.directLine, limits, now: () => clock.now });
  return { conversations, clock };
}

const count = (db: Database, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

const engineConversation = (id: string, customerId: string): ConversationState => ({
  id, customerId, channel: 'directline', locale: 'es', startedAt: '2026-11-02T10:00:00.000Z', updatedAt: '2026-11-02T10:00:00.000Z',
  turns: [], candidates: [], tried: [], failures: 0, emotion: [],
});

describe('Direct Line conversations in SQLite', () => {
  it('migration 5 adds their tables to a database at schema 4, keeping its data', async () => {
    const dataDir = tempTree({});
    const file = path.join(dataDir, 'escucha.db');
    const old = openDatabase(file, MIGRATIONS.slice(0, 4));
    expect(schemaVersion(old)).toBe(4);
    old.prepare(`INSERT INTO conversations (id, channel, locale, started_at, updated_at, state)
      VALUES ('c1', 'rest', 'es', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '{}')`).run();
    old.close();
    const store = open(dataDir);
    expect(schemaVersion(store.db)).toBe(5);
    expect(MIGRATIONS[4]).toMatchObject({ version: 5, name: 'directline' });
    for (const table of ['directline_conversations', 'directline_tokens', 'directline_activities']) expect(count(store.db, table)).toBe(0);
    expect(store.db.prepare('SELECT id FROM conversations').all()).toEqual([{ id: 'c1' }]);
  });

  it('keeps tokens only as their SHA-256: neither the tables nor the database file hold one as issued', () => {
    const dataDir = tempTree({});
    const store = openStore({ dataDir });
    const { conversations } = webChats(store);
    const { conversation, token } = conversations.open({ userId: 'ana', locale: 'es-ES', linkBase: 'https://chat.nubo.example' })!;
    const refreshed = conversations.refresh(token)!.token;
    expect(store.db.prepare('SELECT token_hash FROM directline_tokens ORDER BY token_hash').all())
      .toEqual([token, refreshed].map((t) => ({ token_hash: createHash('sha256').update(t).digest('hex') })).sort((a, b) => a.token_hash.localeCompare(b.token_hash)));
    conversations.append(conversation, { type: 'message', text: 'hola' });
    store.close();
    for (const name of readdirSync(dataDir)) {
      const bytes = readFileSync(path.join(dataDir, name)).toString('latin1');
      expect(bytes).not.toContain(token);
      expect(bytes).not.toContain(refreshed);
    }
    // Reopened, the tokens still open the conversation, with everything it had.
    const again = webChats(open(dataDir)).conversations;
    expect(again.grantOf(token)?.conversation).toEqual({
      id: conversation.id, userId: 'ana', userBound: true, locale: 'es-ES', linkBase: 'https://chat.nubo.example', joined: false,
      expiresAt: Date.parse('2026-11-02T10:01:00.000Z'),
    });
    expect(again.grantOf(refreshed)?.expiresIn).toBe(60);
  });

  it('gives each activity the next position for good, keeps the last maxActivities, and reads from a watermark', () => {
    const store = open();
    const { conversations } = webChats(store);
    const { conversation } = conversations.open({})!;
    const ids = [0, 1, 2, 3, 4].map((i) => conversations.append(conversation, { type: 'message', text: String(i) }).id);
    expect(ids.map((id) => id.split('|')[1])).toEqual(['0000000', '0000001', '0000002', '0000003', '0000004']);
    expect(count(store.db, 'directline_activities')).toBe(3);
    const texts = (watermark?: string) => conversations.since(conversation, watermark).activities.map((a) => a.text);
    expect(texts()).toEqual(['2', '3', '4']);
    expect(texts('1')).toEqual(['2', '3', '4']);
    expect(texts('4')).toEqual(['4']);
    expect(texts('nonsense')).toEqual(['2', '3', '4']);
    expect(conversations.since(conversation, '9')).toEqual({ activities: [], watermark: '5' });
    // As the client got them: JSON, with the timestamp as text.
    expect(conversations.since(conversation, '4').activities[0]).toEqual({
      type: 'message', text: '4', id: ids[4], timestamp: '2026-11-02T10:00:00.000Z', conversation: { id: conversation.id }, channelId: 'directline',
    });
  });

  it('welcomes once and binds a made-up customer id once, across requests that each read the conversation', () => {
    const store = open();
    const { conversations } = webChats(store);
    const { conversation, token } = conversations.open({})!;
    const [first, second] = [conversations.grantOf(token)!.conversation, conversations.grantOf(token)!.conversation];
    expect(conversations.markJoined(first)).toBe(true);
    expect(conversations.markJoined(second)).toBe(false);
    expect(first.userBound).toBe(false);
    conversations.bindUser(first, 'r_webchat1');
    conversations.bindUser(second, 'someone-else');
    expect(second).toMatchObject({ userId: 'r_webchat1', userBound: true });
    expect(conversations.get(conversation.id)).toMatchObject({ userId: 'r_webchat1', userBound: true, joined: true });
  });

  it('sweeps expired tokens, and conversations with their activities once their last token expired', () => {
    const store = open();
    const { conversations, clock } = webChats(store);
    const early = conversations.open({})!;
    conversations.append(early.conversation, { type: 'message', text: 'hola' });
    clock.now += 30_000;
    const late = conversations.open({})!;
    clock.now += 10_000;
    const refreshed = conversations.refresh(late.token)!;
    clock.now += 30_000; // the first conversation's token expired; the second's first token has 20 s left
    expect(conversations.grantOf(early.token)).toBeUndefined();
    expect(conversations.get(early.conversation.id)).toBeUndefined();
    conversations.sweep();
    expect(store.db.prepare('SELECT id FROM directline_conversations').all()).toEqual([{ id: late.conversation.id }]);
    expect(count(store.db, 'directline_activities')).toBe(0);
    expect(count(store.db, 'directline_tokens')).toBe(2);
    clock.now += 20_000;
    conversations.sweep();
    expect(count(store.db, 'directline_tokens')).toBe(1);
    expect(conversations.grantOf(late.token)).toBeUndefined();
    expect(conversations.grantOf(refreshed.token)?.expiresIn).toBe(10);
    expect(conversations.size).toBe(1);
  });

  it('refuses a conversation beyond maxConversations until an expired one is swept', () => {
    const store = open();
    const { conversations, clock } = webChats(store, { tokenSeconds: 60, maxActivities: 3, maxConversations: 1 });
    expect(conversations.open({})).toBeDefined();
    expect(conversations.open({})).toBeUndefined();
    clock.now += 60_000;
    expect(conversations.open({})).toBeDefined();
    expect(conversations.size).toBe(1);
  });

  it('is deleted with the engine\'s conversation once the engine has it, and by customer before', async () => {
    const store = open();
    const { conversations } = webChats(store);
    const stored = conversations.open({ userId: 'ana' })!.conversation;
    const unstored = conversations.open({ userId: 'ana' })!.conversation;
    conversations.append(stored, { type: 'message', text: 'hola' });
    await store.conversations.save(engineConversation(`directline:${stored.id}`, 'ana'));
    conversations.append(stored, { type: 'message', text: '¿En qué te ayudo?' });
    conversations.append(unstored, { type: 'message', text: 'soy ana@example.com' });
    expect(store.db.prepare('SELECT id, conversation_id FROM directline_conversations ORDER BY conversation_id').all()).toEqual([
      { id: unstored.id, conversation_id: null }, { id: stored.id, conversation_id: `directline:${stored.id}` },
    ]);
    // Retention deletes the engine's conversation, and this one with it.
    expect(store.erasure.deleteBefore('2026-12-01T00:00:00.000Z')).toMatchObject({
      conversations: 1, directline_conversations: 1, directline_activities: 2, directline_tokens: 1,
    });
    expect(conversations.get(stored.id)).toBeUndefined();
    expect(store.erasure.forgetCustomer('ana')).toMatchObject({ conversations: 0, directline_conversations: 1, directline_activities: 1, directline_tokens: 1 });
    for (const table of ['directline_conversations', 'directline_tokens', 'directline_activities']) expect(count(store.db, table)).toBe(0);
  });
});
