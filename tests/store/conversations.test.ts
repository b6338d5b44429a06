import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationState } from '../../src/dialogue/state.js';
import { DATABASE_FILE, openStore, type Store } from '../../src/store/index.js';
import { tempTree } from '../helpers.js';

const opened: Store[] = [];
afterEach(() => {
  while (opened.length) opened.pop()!.close();
});

function open(dataDir: string): Store {
  const store = openStore({ dataDir });
  opened.push(store);
  return store;
}

function conversation(id: string, overrides: Partial<ConversationState> = {}): ConversationState {
  return {
    id, channel: 'rest', locale: 'es',
    startedAt: '2024-05-01T10:00:00.000Z', updatedAt: '2024-05-01T10:05:00.000Z',
    turns: [], candidates: [], tried: [], failures: 0, emotion: [],
    ...overrides,
  };
}

const full = conversation('conv-1', {
  customerId: 'cust-9',
  channel: 'botframework',
  turns: [
    { role: 'customer', text: '¿Cómo cambio mi contraseña? 🔑', at: '2024-05-01T10:00:00.000Z' },
    { role: 'bot', text: 'Así se cambia: …', at: '2024-05-01T10:00:01.000Z', decision: 'answer', articleIds: ['password'] },
  ],
  topic: { articleId: 'password', product: 'app', shownSections: ['steps'], query: 'cambiar contraseña' },
  candidates: [{ id: 'reset-pin', confidence: 0.6 }],
  tried: ['password'],
  failures: 1,
  emotion: [0.1, 0.35],
  pending: { kind: 'feedback', articleId: 'password', anchor: 'steps' },
});

describe('SqliteConversationStore', () => {
  it('loads the same state after the process restarted', async () => {
    const dataDir = tempTree({});
    const first = openStore({ dataDir });
    await first.conversations.save(full);
    first.close();

    const second = open(dataDir);
    expect(await second.conversations.load('conv-1')).toEqual(full);
  });

  it('replaces the stored state when a conversation is saved again', async () => {
    const { conversations, db } = open(tempTree({}));
    await conversations.save(conversation('c'));
    const later = conversation('c', {
      updatedAt: '2024-05-01T11:00:00.000Z', failures: 3,
      handedOff: { at: '2024-05-01T11:00:00.000Z', reason: 'frustration', status: 'waiting' },
    });
    await conversations.save(later);
    expect(await conversations.load('c')).toEqual(later);
    expect(db.prepare('SELECT id, updated_at, handed_off FROM conversations').all())
      .toEqual([{ id: 'c', updated_at: '2024-05-01T11:00:00.000Z', handed_off: 1 }]);
  });

  it('gives undefined for a conversation it never saw', async () => {
    const { conversations } = open(tempTree({}));
    expect(await conversations.load('nobody')).toBeUndefined();
  });

  it('is not changed by mutating a state after saving it', async () => {
    const { conversations } = open(tempTree({}));
    const state = conversation('c');
    await conversations.save(state);
    state.turns.push({ role: 'customer', text: 'hola', at: state.updatedAt });
    expect((await conversations.load('c'))?.turns).toEqual([]);
  });

  it('refuses a state whose timestamp is not a date', async () => {
    const { conversations } = open(tempTree({}));
    await expect(conversations.save(conversation('c', { updatedAt: 'yesterday' }))).rejects.toThrow('conversation c: updatedAt is not a date: yesterday');
    expect(await conversations.load('c')).toBeUndefined();
  });

  it('lists and deletes the conversations of one customer', async () => {
    const { conversations } = open(tempTree({}));
    await conversations.save(conversation('a2', { customerId: 'ana', startedAt: '2024-05-02T09:00:00.000Z' }));
    await conversations.save(conversation('a1', { customerId: 'ana', startedAt: '2024-05-01T09:00:00.000Z' }));
    await conversations.save(conversation('b1', { customerId: 'bruno' }));
    await conversations.save(conversation('anonymous'));

    expect(conversations.listByCustomer('ana').map((c) => c.id)).toEqual(['a1', 'a2']);
    expect(conversations.listByCustomer('nobody')).toEqual([]);
    expect(conversations.deleteByCustomer('ana')).toBe(2);
    expect(conversations.deleteByCustomer('ana')).toBe(0);
    expect(conversations.listByCustomer('ana')).toEqual([]);
    expect(await conversations.load('b1')).toBeDefined();
    expect(await conversations.load('anonymous')).toBeDefined();
  });

  it('deletes the conversations last active before a date, whatever time zone their timestamps use', async () => {
    const { conversations } = open(tempTree({}));
    await conversations.save(conversation('old', { updatedAt: '2024-02-10T12:00:00.000Z' }));
    // 23:00 UTC on 29 February, written with an offset that makes it look like March as text.
    await conversations.save(conversation('old-offset', { updatedAt: '2024-03-01T01:00:00+02:00' }));
    await conversations.save(conversation('boundary', { updatedAt: '2024-03-01T00:00:00.000Z' }));
    await conversations.save(conversation('recent', { startedAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-04-01T00:00:00.000Z' }));

    expect(conversations.deleteOlderThan('2024-03-01T00:00:00Z')).toBe(2);
    expect(await conversations.load('old')).toBeUndefined();
    expect(await conversations.load('old-offset')).toBeUndefined();
    expect(await conversations.load('boundary')).toBeDefined();
    expect(conversations.deleteOlderThan(new Date('2024-03-01T00:00:00Z'))).toBe(0);
    expect(conversations.deleteOlderThan(new Date('2025-01-01T00:00:00Z'))).toBe(2);
    expect(() => conversations.deleteOlderThan('soon')).toThrow('retention date is not a date: soon');
  });
});

describe('openStore', () => {
  it(`keeps ${DATABASE_FILE} in the data folder and writes the log back into it on close, once`, async () => {
    const dataDir = tempTree({});
    const store = openStore({ dataDir });
    expect(store.db.name).toBe(path.join(dataDir, DATABASE_FILE));
    await store.conversations.save(conversation('c'));
    store.close();
    store.close();
    const wal = `${store.db.name}-wal`;
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
    expect(store.db.open).toBe(false);
  });
});
