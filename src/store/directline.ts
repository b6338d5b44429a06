import type { Database } from 'better-sqlite3';
import type { Activity } from 'botbuilder';
import type { DirectLineConversation, DirectLineStore, StoredToken } from '../channels/directline/store.js';

interface ConversationRow {
  id: string;
  customer_id: string;
  customer_bound: 0 | 1;
  locale: string | null;
  link_base: string | null;
  joined: 0 | 1;
  expires_at: string;
}

/**
 * The web chat's Direct Line conversations in SQLite (`directline_conversations`, `directline_tokens`,
 * `directline_activities`): a restart ends no open chat. Times are stored as UTC timestamps, like every other table,
 * so that comparing them as text compares times.
 */
export class SqliteDirectLineStore implements DirectLineStore {
  private readonly statements: ReturnType<typeof prepare>;
  private readonly transactions: ReturnType<typeof transactions>;

  constructor(db: Database) {
    this.statements = prepare(db);
    this.transactions = transactions(db, this.statements);
  }

  count(): number {
    return this.statements.count.get()!.n;
  }

  create(conversation: DirectLineConversation): void {
    this.statements.create.run({
      id: conversation.id, customerId: conversation.userId, customerBound: conversation.userBound ? 1 : 0,
      locale: conversation.locale ?? null, linkBase: conversation.linkBase ?? null, joined: conversation.joined ? 1 : 0,
      expiresAt: timestamp(conversation.expiresAt),
    });
  }

  get(id: string): DirectLineConversation | undefined {
    const row = this.statements.get.get(id);
    return row && {
      id: row.id, userId: row.customer_id, userBound: row.customer_bound === 1, joined: row.joined === 1,
      expiresAt: Date.parse(row.expires_at),
      ...(row.locale !== null && { locale: row.locale }),
      ...(row.link_base !== null && { linkBase: row.link_base }),
    };
  }

  addToken(tokenHash: string, token: StoredToken): void {
    this.transactions.addToken.immediate({ tokenHash, id: token.conversationId, expiresAt: timestamp(token.expiresAt) });
  }

  token(tokenHash: string): StoredToken | undefined {
    const row = this.statements.token.get(tokenHash);
    return row && { conversationId: row.directline_id, expiresAt: Date.parse(row.expires_at) };
  }

  markJoined(id: string): boolean {
    return this.statements.markJoined.run(id).changes === 1;
  }

  bindUser(id: string, userId: string): string | undefined {
    this.statements.bindUser.run({ id, userId });
    return this.statements.get.get(id)?.customer_id;
  }

  append(id: string, make: (position: number) => Activity, options: { keep: number; engineConversationId: string }): Activity {
    return this.transactions.append.immediate(id, make, options.keep, options.engineConversationId);
  }

  activitiesFrom(id: string, position: number): { activities: Activity[]; next: number } {
    const next = this.statements.nextPosition.get(id)?.next_position ?? 0;
    const activities = this.statements.activitiesFrom.all(id, position).map((row) => JSON.parse(row.activity) as Activity);
    return { activities, next };
  }

  sweep(now: number): void {
    this.transactions.sweep.immediate(timestamp(now));
  }
}

function prepare(db: Database) {
  return {
    count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM directline_conversations'),
    create: db.prepare<[{ id: string; customerId: string; customerBound: 0 | 1; locale: string | null; linkBase: string | null; joined: 0 | 1; expiresAt: string }]>(`
      INSERT INTO directline_conversations (id, customer_id, customer_bound, locale, link_base, joined, expires_at)
      VALUES (@id, @customerId, @customerBound, @locale, @linkBase, @joined, @expiresAt)`),
    get: db.prepare<[string], ConversationRow>(
      'SELECT id, customer_id, customer_bound, locale, link_base, joined, expires_at FROM directline_conversations WHERE id = ?'),
    // A conversation lasts as long as its last token.
    extend: db.prepare<[{ id: string; expiresAt: string }]>(
      'UPDATE directline_conversations SET expires_at = max(expires_at, @expiresAt) WHERE id = @id'),
    addToken: db.prepare<[{ tokenHash: string; id: string; expiresAt: string }]>(
      'INSERT INTO directline_tokens (token_hash, directline_id, expires_at) VALUES (@tokenHash, @id, @expiresAt)'),
    token: db.prepare<[string], { directline_id: string; expires_at: string }>(
      'SELECT directline_id, expires_at FROM directline_tokens WHERE token_hash = ?'),
    markJoined: db.prepare<[string]>('UPDATE directline_conversations SET joined = 1 WHERE id = ? AND joined = 0'),
    bindUser: db.prepare<[{ id: string; userId: string }]>(
      'UPDATE directline_conversations SET customer_id = @userId, customer_bound = 1 WHERE id = @id AND customer_bound = 0'),
    takePosition: db.prepare<[string], { position: number }>(
      'UPDATE directline_conversations SET next_position = next_position + 1 WHERE id = ? RETURNING next_position - 1 AS position'),
    insertActivity: db.prepare<[string, number, string]>('INSERT INTO directline_activities (directline_id, position, activity) VALUES (?, ?, ?)'),
    trim: db.prepare<[string, number]>('DELETE FROM directline_activities WHERE directline_id = ? AND position <= ?'),
    link: db.prepare<[{ id: string; conversationId: string }]>(`
      UPDATE directline_conversations SET conversation_id = @conversationId
      WHERE id = @id AND conversation_id IS NULL AND EXISTS (SELECT 1 FROM conversations WHERE id = @conversationId)`),
    nextPosition: db.prepare<[string], { next_position: number }>('SELECT next_position FROM directline_conversations WHERE id = ?'),
    activitiesFrom: db.prepare<[string, number], { activity: string }>(
      'SELECT activity FROM directline_activities WHERE directline_id = ? AND position >= ? ORDER BY position'),
    // Their tokens and activities go with them (ON DELETE CASCADE).
    sweepConversations: db.prepare<[string]>('DELETE FROM directline_conversations WHERE expires_at <= ?'),
    sweepTokens: db.prepare<[string]>('DELETE FROM directline_tokens WHERE expires_at <= ?'),
  };
}

function transactions(db: Database, statements: ReturnType<typeof prepare>) {
  return {
    addToken: db.transaction((row: { tokenHash: string; id: string; expiresAt: string }) => {
      statements.extend.run(row);
      statements.addToken.run(row);
    }),
    append: db.transaction((id: string, make: (position: number) => Activity, keep: number, engineConversationId: string) => {
      const taken = statements.takePosition.get(id);
      if (!taken) throw new Error(`no Direct Line conversation ${id}`);
      const activity = make(taken.position);
      statements.insertActivity.run(id, taken.position, JSON.stringify(activity));
      statements.trim.run(id, taken.position - keep);
      // The engine stores its conversation during the customer's first turn, before the bot's replies come here.
      statements.link.run({ id, conversationId: engineConversationId });
      return activity;
    }),
    sweep: db.transaction((now: string) => {
      statements.sweepConversations.run(now);
      statements.sweepTokens.run(now);
    }),
  };
}

const timestamp = (ms: number) => new Date(ms).toISOString();
